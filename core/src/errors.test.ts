import { describe, expect, it } from 'vitest';
import { errorDetails, RuleError, ValidationError } from './errors';

describe('errorDetails', () => {
  it('lists the details of an error, or the error itself when it has none', () => {
    const detailed = new ValidationError({ code: 'body.invalid', message: 'two problems', details: [{ pointer: '/a', message: 'bad a', code: 'type' }, { pointer: '/b', message: 'bad b' }] });
    expect(errorDetails(detailed)).toEqual([{ pointer: '/a', message: 'bad a', code: 'type' }, { pointer: '/b', message: 'bad b' }]);
    const bare = new RuleError({ code: 'rule.compile-failed', pointer: '/and/0', message: 'rule could not be compiled' });
    expect(errorDetails(bare)).toEqual([{ pointer: '/and/0', message: 'rule could not be compiled', code: 'rule.compile-failed' }]);
    expect(errorDetails(new RuleError({ code: 'rule.x', message: 'no pointer' }))[0]?.pointer).toBe('');
  });
});
