import { useSession } from '../app/AuthGate';

/**
 * Whether the signed-in user may change processes (admins; everyone when the runtime has no
 * authentication).
 *
 * @example
 * ```ts
 * const admin = useIsAdmin();
 * ```
 */
export function useIsAdmin(): boolean {
  const { user, authEnabled } = useSession();
  return !authEnabled || (user?.roles ?? []).includes('admin');
}
