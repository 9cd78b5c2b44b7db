import { isPipewrightError } from '@pipewright/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../src/http/context';
import { RouteTable } from '../src/http/declare';

/** A table with one declared route, served behind an error handler that answers problems as the app does. */
function serve() {
  const t = new RouteTable('/api/widgets', ['widgets']);
  const calls: unknown[] = [];
  t.on(
    {
      method: 'post',
      path: '/:id/parts',
      operationId: 'addPart',
      summary: 'Add a part',
      pathParams: { id: { type: 'string', format: 'uuid' } },
      query: { dryRun: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 10, required: true } },
      body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1 }, count: { type: 'integer', minimum: 0 } } },
      responses: { 201: { description: 'Added', schema: { type: 'object', properties: { id: { type: 'string' } } } } },
      errors: [404, 409],
      guards: [
        async (c, next) => {
          if (c.req.header('x-deny')) return c.json({ status: 403 }, 403);
          await next();
        },
      ],
    },
    (c, input) => {
      calls.push({ ...input, id: input.param('id') });
      return c.json({ id: input.param('id') }, 201);
    },
  );
  const app = new Hono<AppEnv>();
  app.route(t.base, t.app);
  app.onError((err, c) => c.json(isPipewrightError(err) ? { status: err.status, code: err.code, details: err.details } : { status: 500 }, (isPipewrightError(err) ? err.status : 500) as 400));
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { t, calls, post };
}

describe('RouteTable: one declaration serves, checks and documents a route', () => {
  it('passes a valid request to the handler with the checked body, the query and the path parameters', async () => {
    const { calls, post } = serve();
    const res = await post('/api/widgets/abc/parts?limit=3&dryRun=true', { name: 'bolt', count: 2 });
    expect(res.status).toBe(201);
    expect(calls).toEqual([{ body: { name: 'bolt', count: 2 }, query: { limit: '3', dryRun: 'true' }, id: 'abc', param: expect.any(Function) }]);
  });

  it('refuses an unknown, a missing or a bad query parameter with 400 naming each, before the handler', async () => {
    const { calls, post } = serve();
    const res = await post('/api/widgets/abc/parts?limit=99&colour=red&dryRun=maybe', { name: 'bolt' });
    expect(res.status).toBe(400);
    const p = (await res.json()) as { code: string; details: { parameter: string }[] };
    expect(p.code).toBe('query.invalid');
    expect(p.details.map((d) => d.parameter).sort()).toEqual(['colour', 'dryRun', 'limit']);
    const missing = await post('/api/widgets/abc/parts', { name: 'bolt' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { details: { parameter: string; code: string }[] }).details).toEqual([expect.objectContaining({ parameter: 'limit', code: 'required' })]);
    expect(calls).toEqual([]);
  });

  it('refuses a body the schema refuses with 422 naming each member, unknown members as body.unknown-member', async () => {
    const { calls, post } = serve();
    const bad = await post('/api/widgets/abc/parts?limit=1', { count: -1 });
    expect(bad.status).toBe(422);
    const p = (await bad.json()) as { code: string; details: { pointer: string; code: string }[] };
    expect(p.code).toBe('body.invalid');
    expect(p.details.map((d) => `${d.pointer} ${d.code}`).sort()).toEqual(['/count minimum', '/name required']);
    const unknown = await post('/api/widgets/abc/parts?limit=1', { name: 'bolt', colour: 'red' });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ code: 'body.unknown-member', details: [{ pointer: '/colour', code: 'additionalProperties' }] });
    const notJson = await post('/api/widgets/abc/parts?limit=1', 'name=bolt', { 'content-type': 'text/plain' });
    expect(notJson.status).toBe(415);
    expect(calls).toEqual([]);
  });

  it('runs the guards before the checks', async () => {
    const { calls, post } = serve();
    const res = await post('/api/widgets/abc/parts?colour=red', { nope: 1 }, { 'x-deny': '1' });
    expect(res.status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('documents the route from the same declaration: path, parameters, body, answers and the checks’ problems', () => {
    const { t } = serve();
    const op = t.paths()['/api/widgets/{id}/parts']?.post as Record<string, unknown>;
    expect(op).toMatchObject({ operationId: 'addPart', tags: ['widgets'], summary: 'Add a part' });
    expect(op.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
      { name: 'dryRun', in: 'query', required: false, schema: { type: 'boolean' } },
      { name: 'limit', in: 'query', required: true, schema: { type: 'integer', minimum: 1, maximum: 10 } },
    ]);
    expect((op.requestBody as { content: Record<string, { schema: unknown }> }).content['application/json']?.schema).toMatchObject({ required: ['name'] });
    expect(Object.keys(op.responses as object)).toEqual(['201', '400', '401', '404', '409', '415', '422']);
  });

  it('leaves the body to the handler when its own checker owns it, still reading it as JSON and documenting the schema', async () => {
    const t = new RouteTable('/api/sums', ['sums']);
    const seen: unknown[] = [];
    t.on({ method: 'post', path: '/', operationId: 'sum', summary: 'Sum', bodyCheckedBy: 'handler', body: { type: 'object', additionalProperties: false, properties: { n: { type: 'integer' } } }, responses: { 200: { description: 'OK' } } }, (c, { body }) => {
      seen.push(body);
      return c.json({ ok: true });
    });
    const app = new Hono<AppEnv>();
    app.route(t.base, t.app);
    app.onError((err, c) => c.json({}, (isPipewrightError(err) ? err.status : 500) as 400));
    const res = await app.request('/api/sums', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: 'x', extra: 1 }) });
    expect(res.status).toBe(200);
    expect(seen).toEqual([{ n: 'x', extra: 1 }]);
    expect((await app.request('/api/sums', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'n=1' })).status).toBe(415);
    expect(Object.keys((t.paths()['/api/sums']?.post as { responses: object }).responses)).toEqual(['200', '401', '415', '422']);
  });

  it('hands a form body (a declared media type besides JSON) to the handler unread as JSON, checks JSON against the body schema, and documents both', async () => {
    const t = new RouteTable('/api/uploads', ['uploads']);
    const seen: unknown[] = [];
    const form = { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' }, note: { type: 'string' } } };
    t.on({ method: 'post', path: '/', operationId: 'upload', summary: 'Upload', body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string' } } }, forms: { 'multipart/form-data': form }, responses: { 201: { description: 'Kept' } } }, async (c, input) => {
      seen.push(input.form ? { form: { note: input.form.note, file: input.form.file instanceof File ? await input.form.file.text() : null }, body: input.body } : { body: input.body });
      return c.json({}, 201);
    });
    const app = new Hono<AppEnv>();
    app.route(t.base, t.app);
    app.onError((err, c) => c.json(isPipewrightError(err) ? { code: err.code } : {}, (isPipewrightError(err) ? err.status : 500) as 400));
    const data = new FormData();
    data.set('note', 'hi');
    data.set('file', new File(['a,b'], 'x.csv'));
    expect((await app.request('/api/uploads', { method: 'POST', body: data })).status).toBe(201);
    expect((await app.request('/api/uploads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'a,b' }) })).status).toBe(201);
    expect(seen).toEqual([{ form: { note: 'hi', file: 'a,b' }, body: {} }, { body: { text: 'a,b' } }]);
    // JSON still meets the schema; a body that only claims to be a form is 400, not a failure; other types are 415.
    expect((await app.request('/api/uploads', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file: 'a,b' }) })).status).toBe(422);
    const broken = await app.request('/api/uploads', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=zz' }, body: 'not a form' });
    expect([broken.status, await broken.json()]).toEqual([400, { code: 'malformed-form' }]);
    expect((await app.request('/api/uploads', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' })).status).toBe(415);
    expect(seen).toHaveLength(2);
    const op = t.paths()['/api/uploads']?.post as { requestBody: { content: Record<string, { schema: unknown }> }; responses: object };
    expect(op.requestBody.content).toEqual({ 'application/json': { schema: expect.objectContaining({ required: ['text'] }) }, 'multipart/form-data': { schema: form } });
    expect(Object.keys(op.responses)).toEqual(['201', '400', '401', '415', '422']);
  });
});
