import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles/app.css';
import './styles/process.css';
import { Root } from './app/Root';
import { applyTheme, readTheme } from './app/theme';
import { initI18n } from './i18n/setup';

applyTheme(readTheme());
initI18n();
const root = document.getElementById('root');
if (root) {
  // Errors caught by an error boundary are shown in place (and logged by the boundary); React's
  // own report of them is a warning, so a failing plugin panel is not a console error.
  createRoot(root, { onCaughtError: (error, info) => console.warn('Caught by an error boundary:', error, info.componentStack) }).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  );
}
