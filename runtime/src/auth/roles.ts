/** The roles a user can hold. A user may hold several; their permissions add up. */
export const ROLES = ['admin', 'manager', 'rep', 'marketing', 'presales'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What an API token may do. Browser sessions hold every scope; a token holds the scopes it was
 * created with, and never more than its user's roles allow.
 *
 * - `read`: GET on records, entities, org units, users (as the role allows) and `auth/me`
 * - `write`: create, update, delete and share records
 * - `import`: CSV imports
 * - `admin`: users, org units, tokens and the audit log (the user must also be an admin)
 */
export const SCOPES = ['read', 'write', 'import', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Type guard for a role name.
 *
 * @example
 * ```ts
 * isRole('rep'); // true
 * ```
 */
export const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);

/**
 * Type guard for a scope name.
 *
 * @example
 * ```ts
 * isScope('admin'); // true
 * ```
 */
export const isScope = (v: unknown): v is Scope => typeof v === 'string' && (SCOPES as readonly string[]).includes(v);
