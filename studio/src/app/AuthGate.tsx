import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { logout, onUnauthorized, takeAuthState, type AuthState, type AuthUser } from '../api/auth';
import { LoginPage } from './LoginPage';

/** The session as components see it. */
export interface Session {
  user: AuthUser | null;
  /** False when the runtime has no authentication. */
  authEnabled: boolean;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session>({ user: null, authEnabled: false, signOut: async () => {} });

/**
 * The current session.
 *
 * @example
 * ```tsx
 * const { user, signOut } = useSession();
 * ```
 */
export function useSession(): Session {
  return useContext(SessionContext);
}

/**
 * Shows the login page until there is a session (or the runtime has no auth), and again
 * whenever an API call answers 401. `preload` is called when the user submits the sign-in form,
 * so the code behind the gate loads while the credentials are checked (never before).
 *
 * @example
 * ```tsx
 * <AuthGate preload={() => void import('./App')}><Layout /></AuthGate>
 * ```
 */
export function AuthGate({ children, preload }: { children: ReactNode; preload?: () => void }) {
  const { t } = useTranslation();
  const [state, setState] = useState<AuthState | { kind: 'loading' } | { kind: 'failed'; message: string }>({ kind: 'loading' });

  const refresh = useCallback(() => {
    takeAuthState()
      .then(setState)
      .catch((err: unknown) => setState({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }));
  }, []);
  useEffect(refresh, [refresh]);
  useEffect(() => onUnauthorized(() => setState({ kind: 'signed-out' })), []);

  const signOut = useCallback(async () => {
    await logout();
    setState({ kind: 'signed-out' });
  }, []);

  if (state.kind === 'loading') return <p className="splash" role="status">{t('status.loading')}</p>;
  if (state.kind === 'failed') {
    return (
      <div role="alert" className="splash">
        <p>{t('errors.cannotReachServer', { message: state.message })}</p>
        <button type="button" onClick={refresh}>{t('actions.retry')}</button>
      </div>
    );
  }
  if (state.kind === 'signed-out') return <LoginPage onSignedIn={(user) => setState({ kind: 'signed-in', user })} {...(preload ? { onSubmit: preload } : {})} />;
  const session: Session = { user: state.kind === 'signed-in' ? state.user : null, authEnabled: state.kind === 'signed-in', signOut };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
