import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { createAjv } from './ajv';
import { assertNoForbiddenMembers, forbiddenMembers } from './members';

describe('forbidden members', () => {
  it('finds __proto__, constructor and prototype at any depth, with escaped pointers', () => {
    const value = JSON.parse('{"a":{"__proto__":{"x":1}},"b":[{"c/d":{"constructor":2}}],"prototype":3,"ok":{"proto":1}}');
    expect(forbiddenMembers(value, '/data')).toEqual(['/data/a/__proto__', '/data/b/0/c~1d/constructor', '/data/prototype']);
    expect(forbiddenMembers({ name: '__proto__', list: ['constructor'] })).toEqual([]);
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    const text = '{"a":'.repeat(100_000) + '{"constructor":1}' + '}'.repeat(100_000);
    const found = forbiddenMembers(JSON.parse(text), '');
    expect(found).toHaveLength(1);
    expect(found[0]?.endsWith('/a/constructor')).toBe(true);
  });

  it('throws a 422 naming each pointer', () => {
    let err: unknown;
    try {
      assertNoForbiddenMembers(JSON.parse('{"__proto__":{"name":"x"}}'), '/data');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect([(err as ValidationError).status, (err as ValidationError).code, (err as ValidationError).details.map((d) => d.pointer)]).toEqual([422, 'record.forbidden-member', ['/data/__proto__']]);
  });

  it('never lets a schema check read a value from the prototype', () => {
    const validate = createAjv().compile({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } });
    expect(validate(Object.create({ name: 'x' }) as object)).toBe(false);
    expect(validate({ name: 'x' })).toBe(true);
  });
});
