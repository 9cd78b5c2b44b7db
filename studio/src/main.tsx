import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles/app.css';
import './styles/process.css';
import { hasSessionCookie, startAuthState } from './api/auth';
import { preloadSignedIn, Root } from './app/Root';
import { applyTheme, readTheme } from './app/theme';
import { initI18n } from './i18n/setup';
import { prefetchBoard } from './process/board/board-prefetch';

applyTheme(readTheme());
// i18n knows the reader's language at once; his messages (only his) load beside the requests below
const messages = initI18n();
// A cold load of a signed-in page: the session check, the code behind the gate and, on a board,
// the board's data all start now, side by side (ADR 030 addendum, cold load)
startAuthState();
if (hasSessionCookie()) {
  // a task later, so the messages are asked first (their import waits a few microtasks, and a
  // dynamic import has no more priority than the code's preloads: over HTTP/1.1's 6 connections
  // the messages came last, and the first render waits for them), then the data
  setTimeout(() => {
    preloadSignedIn(location.pathname);
    prefetchBoard(location, messages);
  }, 0);
}
const root = document.getElementById('root');
if (root) {
  // Errors caught by an error boundary are shown in place (and logged by the boundary); React's
  // own report of them is a warning, so a failing plugin panel is not a console error.
  const render = () =>
    createRoot(root, { onCaughtError: (error, info) => console.warn('Caught by an error boundary:', error, info.componentStack) }).render(
      <StrictMode>
        <Root />
      </StrictMode>,
    );
  // a language chunk that fails to load leaves message keys, not a blank page
  void messages.then(render, render);
}
