/**
 * Everything the studio knows about authentication lives here, so adapting to the runtime's
 * auth (cookie session + CSRF header) touches one file.
 *
 * The runtime's contract (`runtime/src/http/routes/auth.ts`, `runtime/src/auth/sessions.ts`):
 * - `POST /api/auth/login` `{ email, password }` sets the httpOnly session cookie and the
 *   `pw_csrf` cookie, and answers `{ user, csrfToken, expiresAt }`;
 * - `GET /api/auth/me` answers `{ user, actor, roles, csrfToken? }`, 401 when signed out;
 *   404 means a runtime without auth, and the studio works without signing in;
 * - unsafe requests carry the CSRF token in {@link CSRF_HEADER}; the token comes from the last
 *   auth answer or, failing that, the {@link CSRF_COOKIE} cookie (double-submit pattern).
 */

/** Header that carries the CSRF token on unsafe requests. */
export const CSRF_HEADER = 'x-csrf-token';
/** Cookie the runtime may use to hand the CSRF token to the page. */
export const CSRF_COOKIE = 'pw_csrf';

/** The signed-in user. */
export interface AuthUser {
  id: string;
  name?: string;
  email?: string;
  roles?: string[];
}

/** What `GET /api/auth/me` told us. */
export type AuthState = { kind: 'signed-in'; user: AuthUser } | { kind: 'signed-out' } | { kind: 'auth-disabled' };

let memoryToken: string | null = null;
const listeners = new Set<() => void>();

function cookieToken(): string | null {
  if (typeof document === 'undefined') return null;
  const m = document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return m ? decodeURIComponent(m.slice(CSRF_COOKIE.length + 1)) : null;
}

/**
 * Headers to add to a request: the CSRF token on anything but GET/HEAD/OPTIONS.
 *
 * @example
 * ```ts
 * fetch(url, { method: 'POST', headers: { ...authHeaders('POST') } });
 * ```
 */
export function authHeaders(method: string): Record<string, string> {
  if (['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase())) return {};
  const token = memoryToken ?? cookieToken();
  return token ? { [CSRF_HEADER]: token } : {};
}

function remember(body: unknown): AuthUser {
  const b = (body ?? {}) as { csrfToken?: unknown; user?: AuthUser | null; actor?: string; roles?: string[] };
  if (typeof b.csrfToken === 'string') memoryToken = b.csrfToken;
  return b.user ?? { id: b.actor ?? 'unknown', ...(b.roles ? { roles: b.roles } : {}) };
}

/**
 * Asks the runtime who is signed in.
 *
 * @example
 * ```ts
 * const state = await fetchAuthState();
 * if (state.kind === 'signed-out') showLogin();
 * ```
 */
export async function fetchAuthState(): Promise<AuthState> {
  const res = await fetch('/api/auth/me', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 404) return { kind: 'auth-disabled' };
  if (res.status === 401 || res.status === 403) return { kind: 'signed-out' };
  if (!res.ok) throw new Error(`GET /api/auth/me answered ${res.status}`);
  return { kind: 'signed-in', user: remember(await res.json()) };
}

let early: Promise<AuthState> | null = null;

/**
 * Whether this browser holds a session's CSRF cookie (readable by the page, unlike the session
 * cookie): then the page is probably signed in, and the code and data behind the sign-in can
 * load beside `GET /api/auth/me` instead of after it. A stale cookie only costs a wasted load;
 * without one (the sign-in page of a new visitor) nothing behind the gate loads.
 *
 * @example
 * ```ts
 * if (hasSessionCookie()) void import('./App');
 * ```
 */
export function hasSessionCookie(): boolean {
  return cookieToken() !== null;
}

/**
 * Asks `GET /api/auth/me` now, while the page's first render is being prepared;
 * {@link takeAuthState} hands the answer to the sign-in gate.
 *
 * @example
 * ```ts
 * startAuthState();
 * ```
 */
export function startAuthState(): void {
  early = fetchAuthState();
  early.catch(() => {});
}

/** The answer {@link startAuthState} asked for (once), else a new request. */
export function takeAuthState(): Promise<AuthState> {
  const answer = early ?? fetchAuthState();
  early = null;
  return answer;
}

/**
 * Signs in; resolves the user, or rejects with the server's message.
 *
 * @example
 * ```ts
 * const user = await login('ana@example.com', 'secret');
 * ```
 */
export async function login(email: string, password: string): Promise<AuthUser> {
  const res = await fetch('/api/auth/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...authHeaders('POST') },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json().catch(() => ({}))) as { detail?: string };
  if (!res.ok) throw new Error(body.detail ?? `HTTP ${res.status}`);
  return remember(body);
}

/**
 * Signs out (best effort) and forgets the CSRF token.
 *
 * @example
 * ```ts
 * await logout();
 * ```
 */
export async function logout(): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin', headers: authHeaders('POST') }).catch(() => undefined);
  memoryToken = null;
}

/**
 * Subscribes to "the server said 401"; returns the unsubscribe function.
 *
 * @example
 * ```ts
 * useEffect(() => onUnauthorized(() => setState({ kind: 'signed-out' })), []);
 * ```
 */
export function onUnauthorized(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells every subscriber the session is gone (called by the API client on 401). */
export function notifyUnauthorized(): void {
  for (const l of listeners) l();
}
