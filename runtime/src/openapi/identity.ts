import { ROLES, SCOPES } from '../auth/roles';

type Json = Record<string, unknown>;

/** Schemas of the identity API's answers, shared by its route declarations and `/openapi.json`'s components. */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
/** `{ items: [...] }` of a component. */
export const listOf = (item: string) => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref(item) } } });

export const roles = { type: 'array', items: { enum: [...ROLES] } };
export const scopes = { type: 'array', items: { enum: [...SCOPES] } };

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
  // Public operations (sign-in, /health, /ready, /openapi.json) say `security: []` in their declarations.
  doc.security = [{ session: [] }, { bearer: [] }];
  return doc;
}
