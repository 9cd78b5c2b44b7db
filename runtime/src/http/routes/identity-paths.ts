type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const ok = (schema: unknown, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const body = (schema: unknown, type = 'application/json') => ({ required: true, content: { [type]: { schema } } });
const list = (item: string) => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref(item) } } });
const path = (name: string, format?: string) => ({ name, in: 'path', required: true, schema: { type: 'string', ...(format ? { format } : {}) } });
const TEXT: Record<string, string> = { '400': 'Bad parameter', '401': 'Not signed in', '403': 'Not allowed (role, scope or CSRF)', '404': 'Not found or not visible', '405': 'Read-only', '409': 'Conflict', '422': 'Invalid body', '429': 'Rate limited (see Retry-After)' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), problem(TEXT[String(c)] ?? 'Error')]));
const tags = ['identity'];

const roles = { type: 'array', items: { enum: ['admin', 'manager', 'rep', 'marketing', 'presales'] } };
const scopes = { type: 'array', items: { enum: ['read', 'write', 'import', 'admin'] } };

/** Component schemas of the identity API. */
const schemas: Record<string, Json> = {
  User: {
    type: 'object',
    required: ['id', 'name', 'email', 'roles', 'active'],
    properties: { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' }, orgUnit: { type: ['string', 'null'] }, roles, active: { type: 'boolean' }, createdAt: { type: 'string', format: 'date-time' }, deactivatedAt: { type: ['string', 'null'], format: 'date-time' } },
  },
  OrgUnit: { type: 'object', required: ['id', 'name', 'kind'], properties: { id: { type: 'string' }, name: { type: 'string' }, kind: { enum: ['company', 'region', 'team'] }, parent: { type: ['string', 'null'] } } },
  Token: {
    type: 'object',
    required: ['id', 'name', 'userId', 'scopes'],
    properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' }, userId: { type: 'string' }, scopes, createdBy: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, expiresAt: { type: ['string', 'null'], format: 'date-time' }, revokedAt: { type: ['string', 'null'], format: 'date-time' }, lastUsedAt: { type: ['string', 'null'], format: 'date-time' } },
  },
  Share: { type: 'object', required: ['recordId', 'userId', 'access'], properties: { recordId: { type: 'string', format: 'uuid' }, userId: { type: 'string' }, access: { enum: ['read', 'edit'] }, createdBy: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } } },
  AuditEvent: {
    type: 'object',
    properties: { id: { type: 'string' }, recordId: { type: ['string', 'null'] }, recordType: { type: 'string' }, subject: { type: ['string', 'null'] }, action: { type: 'string' }, actor: { type: 'string' }, at: { type: 'string', format: 'date-time' }, before: {}, after: {}, meta: {} },
  },
};

const userWrite = { name: { type: 'string' }, email: { type: 'string' }, orgUnit: { type: ['string', 'null'] }, roles, password: { type: 'string', minLength: 12, writeOnly: true } };
const recordShareParams = [path('type'), path('id', 'uuid')];

/** OpenAPI paths of auth, users, org units, tokens, audit and record shares. */
export const identityPaths: Record<string, Json> = {
  '/api/auth/login': {
    post: {
      operationId: 'login', summary: 'Sign in: sets the session cookie, returns the CSRF token', tags, security: [],
      requestBody: body({ type: 'object', required: ['email', 'password'], additionalProperties: false, properties: { email: { type: 'string' }, password: { type: 'string' } } }),
      responses: { '200': ok({ type: 'object', properties: { user: ref('User'), csrfToken: { type: 'string' }, expiresAt: { type: 'string', format: 'date-time' } } }, 'Signed in'), ...errors(401, 403, 422, 429) },
    },
  },
  '/api/auth/logout': { post: { operationId: 'logout', summary: 'End the session', tags, responses: { '204': { description: 'Signed out' }, ...errors(401, 403) } } },
  '/api/auth/me': { get: { operationId: 'me', summary: 'Who am I: user, roles, scopes, CSRF token', tags, responses: { '200': ok({ type: 'object', properties: { user: { oneOf: [ref('User'), { type: 'null' }] }, via: { type: 'string' }, actor: { type: 'string' }, roles, scopes, visibleUnits: { type: 'array', items: { type: 'string' } }, csrfToken: { type: 'string' } } }), ...errors(401) } } },
  '/api/users': {
    get: { operationId: 'listUsers', summary: 'Users (admins: all; managers: their subtree)', tags, parameters: [{ name: 'active', in: 'query', schema: { type: 'boolean' } }], responses: { '200': ok(list('User')), ...errors(401, 403, 429) } },
    post: { operationId: 'createUser', summary: 'Create a user (admin)', tags, requestBody: body({ type: 'object', required: ['name', 'email', 'roles'], additionalProperties: false, properties: { id: { type: 'string' }, ...userWrite } }), responses: { '201': ok(ref('User'), 'Created'), ...errors(401, 403, 409, 422, 429) } },
  },
  '/api/users/{id}': {
    parameters: [path('id')],
    get: { operationId: 'getUser', summary: 'A user (admins; managers in their subtree; yourself)', tags, responses: { '200': ok(ref('User')), ...errors(401, 404) } },
    patch: { operationId: 'updateUser', summary: 'Change a user: name, email, unit, roles, password, active (admin)', tags, requestBody: body({ type: 'object', additionalProperties: false, properties: { ...userWrite, active: { type: 'boolean' } } }), responses: { '200': ok(ref('User')), ...errors(401, 403, 404, 409, 422) } },
  },
  '/api/users/{id}/deactivate': { parameters: [path('id')], post: { operationId: 'deactivateUser', summary: 'Deactivate: ends sessions, revokes tokens, keeps records (admin)', tags, responses: { '200': ok(ref('User')), ...errors(401, 403, 404, 409) } } },
  '/api/users/{id}/unlock': { parameters: [path('id')], post: { operationId: 'unlockUser', summary: 'Lift the sign-in limits of an account after failed sign-ins (admin)', tags, responses: { '200': ok({ type: 'object', required: ['id', 'cleared'], properties: { id: { type: 'string' }, cleared: { type: 'integer', minimum: 0 } } }), ...errors(401, 403, 404) } } },
  '/api/users/{id}/reactivate': { parameters: [path('id')], post: { operationId: 'reactivateUser', summary: 'Reactivate a user (admin)', tags, responses: { '200': ok(ref('User')), ...errors(401, 403, 404) } } },
  '/api/users/names': {
    get: {
      operationId: 'listUserNames', summary: 'The name of every user (active or not), for naming owners and actors; every signed-in user may read it', tags,
      responses: { '200': ok({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object', required: ['id', 'name', 'active'], properties: { id: { type: 'string' }, name: { type: 'string' }, active: { type: 'boolean' } } } } } }), ...errors(401, 403) },
    },
  },
  '/api/org-units': {
    get: { operationId: 'listOrgUnits', summary: 'The org tree', tags, responses: { '200': ok(list('OrgUnit')), ...errors(401) } },
    post: { operationId: 'createOrgUnit', summary: 'Add an org unit (admin)', tags, requestBody: body({ type: 'object', required: ['id', 'name', 'kind'], additionalProperties: false, properties: { id: { type: 'string' }, name: { type: 'string' }, kind: { enum: ['company', 'region', 'team'] }, parent: { type: ['string', 'null'] } } }), responses: { '201': ok(ref('OrgUnit'), 'Created'), ...errors(401, 403, 409, 422) } },
  },
  '/api/org-units/{id}': { parameters: [path('id')], patch: { operationId: 'updateOrgUnit', summary: 'Rename or move an org unit (admin)', tags, requestBody: body({ type: 'object', additionalProperties: false, properties: { name: { type: 'string' }, parent: { type: 'string' } } }), responses: { '200': ok(ref('OrgUnit')), ...errors(401, 403, 404, 422) } } },
  '/api/tokens': {
    get: { operationId: 'listTokens', summary: 'API tokens, without secrets (admin)', tags, parameters: [{ name: 'userId', in: 'query', schema: { type: 'string' } }], responses: { '200': ok(list('Token')), ...errors(401, 403) } },
    post: {
      operationId: 'createToken', summary: 'Create a bearer token; the secret is shown once (admin)', tags,
      requestBody: body({ type: 'object', required: ['name', 'scopes'], additionalProperties: false, properties: { name: { type: 'string' }, userId: { type: 'string' }, scopes, expiresInDays: { type: ['integer', 'null'], minimum: 1, maximum: 3650 } } }),
      responses: { '201': ok({ allOf: [ref('Token'), { type: 'object', required: ['token'], properties: { token: { type: 'string' } } }] }, 'Created'), ...errors(401, 403, 422) },
    },
  },
  '/api/tokens/{id}': { parameters: [path('id', 'uuid')], delete: { operationId: 'revokeToken', summary: 'Revoke a token (admin)', tags, responses: { '200': ok(ref('Token'), 'Revoked'), ...errors(401, 403, 404) } } },
  '/api/audit': {
    get: {
      operationId: 'listAudit', summary: 'The append-only audit log, newest first (admin)', tags,
      parameters: ['record', 'actor', 'subject', 'action', 'cursor'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })).concat(['from', 'to'].map((name) => ({ name, in: 'query', schema: { type: 'string', format: 'date-time' } as { type: string } })), [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } as { type: string } }]),
      responses: { '200': ok({ type: 'object', properties: { items: { type: 'array', items: ref('AuditEvent') }, nextCursor: { type: ['string', 'null'] } } }), ...errors(400, 401, 403, 405) },
    },
  },
  '/api/records/{type}/{id}/shares': {
    parameters: recordShareParams,
    get: { operationId: 'listShares', summary: 'Who a record is shared with', tags, responses: { '200': ok(list('Share')), ...errors(401, 404) } },
    post: { operationId: 'shareRecord', summary: 'Share a record with a user (read or edit)', tags, requestBody: body({ type: 'object', required: ['userId'], additionalProperties: false, properties: { userId: { type: 'string' }, access: { enum: ['read', 'edit'] } } }), responses: { '201': ok(ref('Share'), 'Shared'), ...errors(401, 403, 404, 422) } },
  },
  '/api/records/{type}/{id}/shares/{userId}': { parameters: [...recordShareParams, path('userId')], delete: { operationId: 'unshareRecord', summary: 'Stop sharing a record with a user', tags, responses: { '204': { description: 'Unshared' }, ...errors(401, 403, 404) } } },
};

/**
 * Adds the identity schemas, the two security schemes (session cookie, bearer token) and makes
 * them the default for every operation; `/health`, `/ready`, `/openapi.json` and login are public.
 *
 * @example
 * ```ts
 * const doc = withSecurity(generateOpenApi(registry, { paths: identityPaths }));
 * ```
 */
export function withSecurity(doc: Json): Json {
  const components = doc.components as { schemas: Record<string, unknown>; securitySchemes?: Json };
  Object.assign(components.schemas, schemas);
  components.securitySchemes = {
    session: { type: 'apiKey', in: 'cookie', name: 'pw_session', description: 'Set by POST /api/auth/login. Unsafe methods also need the X-CSRF-Token header.' },
    bearer: { type: 'http', scheme: 'bearer', description: 'An API token (pwt_...) created by an admin through POST /api/tokens.' },
  };
  doc.security = [{ session: [] }, { bearer: [] }];
  const paths = doc.paths as Record<string, Record<string, Json>>;
  for (const p of ['/health', '/ready', '/openapi.json']) for (const op of Object.values(paths[p] ?? {})) op.security = [];
  return doc;
}
