import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { AuthGate } from './AuthGate';
import { ErrorBoundary } from './ErrorBoundary';

/**
 * The studio behind the sign-in: plugins, entity catalogue, layout and every route. Loaded only
 * once there is a session (or the runtime has no auth), so the sign-in page's JavaScript is React,
 * i18n and the gate itself (ADR 030, cold load).
 */
const loadApp = () => import('./App');
const App = lazy(() => loadApp().then((m) => ({ default: m.App })));

/**
 * Starts loading the code behind the gate now, for a page that is probably signed in (it holds
 * a session cookie): the app, and at a board address the board, download beside
 * `GET /api/auth/me` rather than after it.
 *
 * @example
 * ```ts
 * if (hasSessionCookie()) preloadSignedIn(location.pathname);
 * ```
 */
export function preloadSignedIn(pathname: string): void {
  void loadApp().catch(() => {});
  if (pathname.startsWith('/board')) void import('../process/board/BoardPage').catch(() => {});
}

function Splash() {
  const { t } = useTranslation();
  return <p className="splash" role="status">{t('status.loading')}</p>;
}

/**
 * The studio's root: error boundary and sign-in gate in the first chunk, the app behind them
 * loaded on demand (starting as the sign-in form is submitted).
 *
 * @example
 * ```tsx
 * createRoot(el).render(<Root />);
 * ```
 */
export function Root() {
  return (
    <ErrorBoundary>
      <AuthGate preload={() => void loadApp()}>
        <Suspense fallback={<Splash />}>
          <App />
        </Suspense>
      </AuthGate>
    </ErrorBoundary>
  );
}
