import { describe, expect, it } from 'vitest';
import { fieldInfo } from './entity';

const T = 'https://pipewright.dev/schemas/types.schema.json#/$defs/';

describe('fieldInfo', () => {
  it('describes the shared types by their format, a user id as `user`', () => {
    expect(fieldInfo('to_user', { $ref: `${T}userId`, title: 'To' }, false)).toEqual({ name: 'to_user', type: 'string', required: false, title: 'To', format: 'user' });
    expect(fieldInfo('amount', { $ref: `${T}money` }, true)).toMatchObject({ type: 'object', format: 'money' });
    expect(fieldInfo('deal_id', { $ref: `${T}recordId` }, false)).toMatchObject({ type: 'string', format: 'uuid' });
    expect(fieldInfo('email', { $ref: `${T}email` }, false)).toEqual({ name: 'email', type: 'string', required: false });
  });
});
