import '../styles/dashboards.css';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import type { DashboardSummary, DashboardView as View } from '@pipewright/core/api';
import { ApiError } from '../api/problem';
import { Catalogue } from '../app/HomePage';
import { dashboardsApi } from './api';
import { DashboardView } from './DashboardView';
import { localText } from './format';

type Loaded = { state: 'loading' } | { state: 'missing' } | { state: 'failed'; message: string } | { state: 'ready'; view: View };

function useDashboard(load: (signal: AbortSignal) => Promise<View>, key: string): [Loaded, (view: View) => void] {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  useEffect(() => {
    const abort = new AbortController();
    setLoaded({ state: 'loading' });
    load(abort.signal).then(
      (view) => setLoaded({ state: 'ready', view }),
      (err: unknown) => {
        if (abort.signal.aborted) return;
        if (err instanceof ApiError && err.status === 404) setLoaded({ state: 'missing' });
        else setLoaded({ state: 'failed', message: err instanceof ApiError ? err.problem.detail : String(err) });
      },
    );
    return () => abort.abort();
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps
  return [loaded, (view) => setLoaded({ state: 'ready', view })];
}

/**
 * The home page: the signed-in user's home dashboard (a rep's own numbers, a manager's team's,
 * an admin's company's, scoped by the metric API's row visibility), and the entity catalogue
 * below it; the catalogue alone when no dashboard is the home of the user's role.
 *
 * @example
 * ```tsx
 * <Route path="/" component={HomeDashboardPage} />
 * ```
 */
export function HomeDashboardPage() {
  const { t } = useTranslation();
  const [loaded, setView] = useDashboard((signal) => dashboardsApi.home(signal), 'home');
  return (
    <>
      {loaded.state === 'loading' && <p role="status">{t('status.loading')}</p>}
      {loaded.state === 'failed' && <p role="alert" className="text-danger">{loaded.message}</p>}
      {loaded.state === 'ready' && <DashboardView view={loaded.view} onSaved={setView} />}
      {loaded.state === 'missing' && <p className="muted">{t('dashboards.noHome')}</p>}
      {loaded.state !== 'loading' && <Catalogue compact={loaded.state === 'ready'} />}
    </>
  );
}

/**
 * One dashboard by id (`/dashboards/:id`).
 *
 * @example
 * ```tsx
 * <Route path="/dashboards/:id" component={DashboardPage} />
 * ```
 */
export function DashboardPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams<{ id: string }>();
  const [loaded, setView] = useDashboard((signal) => dashboardsApi.get(id, signal), id);
  if (loaded.state === 'loading') return <p role="status">{t('status.loading')}</p>;
  if (loaded.state === 'failed') return <p role="alert" className="text-danger">{loaded.message}</p>;
  if (loaded.state === 'missing') return <p role="alert">{t('errors.notFoundTitle')}</p>;
  return <DashboardView view={loaded.view} onSaved={setView} />;
}

/**
 * Every dashboard (`/dashboards`), with whose home page each is.
 *
 * @example
 * ```tsx
 * <Route path="/dashboards" component={DashboardListPage} />
 * ```
 */
export function DashboardListPage() {
  const { t, i18n } = useTranslation();
  const [items, setItems] = useState<DashboardSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    dashboardsApi.list(abort.signal).then((r) => setItems(r.items), (err: unknown) => !abort.signal.aborted && setError(err instanceof ApiError ? err.problem.detail : String(err)));
    return () => abort.abort();
  }, []);
  return (
    <section>
      <h1>{t('dashboards.title')}</h1>
      {error && <p role="alert" className="text-danger">{error}</p>}
      {!items && !error && <p role="status">{t('status.loading')}</p>}
      {items?.length === 0 && <p className="muted">{t('dashboards.empty')}</p>}
      <ul className="card-grid">
        {items?.map((d) => (
          <li key={d.id} className="panel">
            <h2><Link href={`/dashboards/${d.id}`}>{localText(d.title, i18n.language)}</Link></h2>
            {d.description && <p>{localText(d.description, i18n.language)}</p>}
            <p className="muted">
              {t('dashboards.widgetCount', { count: d.widgets })}
              {d.homeFor.length > 0 && <> · {t('dashboards.homeFor', { roles: d.homeFor.map((r) => t(`dashboards.roles.${r}`)).join(i18n.language.startsWith('zh') ? '、' : ', ') })}</>}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
