import { Component, type ErrorInfo, type ReactNode } from 'react';
import { i18n } from '../i18n/setup';

interface State {
  error: Error | null;
}

/**
 * Catches rendering errors so one broken view never blanks the whole studio.
 *
 * @example
 * ```tsx
 * <ErrorBoundary><RecordDetailPage /></ErrorBoundary>
 * ```
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Studio view failed', error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="panel error-panel">
        <h2>{i18n.t('errors.viewFailed')}</h2>
        <p>{this.state.error.message}</p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          {i18n.t('actions.retry')}
        </button>
      </div>
    );
  }
}
