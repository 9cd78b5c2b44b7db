import '../styles/dashboards.css';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'wouter';
import type { DashboardSummary, DashboardView as View } from '@pipewright/core/api';
import { ApiError } from '../api/problem';
import { useIsAdmin } from '../process/use-admin';
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
 * Every dashboard (`/dashboards`), with whose home page each is; admins create a dashboard
 * (then edit it) and delete them.
 *
 * @example
 * ```tsx
 * <Route path="/dashboards" component={DashboardListPage} />
 * ```
 */
export function DashboardListPage() {
  const { t, i18n } = useTranslation();
  const admin = useIsAdmin();
  const [, navigate] = useLocation();
  const [items, setItems] = useState<DashboardSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [title, setTitle] = useState({ en: '', 'zh-CN': '' });
  const load = (signal?: AbortSignal) =>
    dashboardsApi.list(signal).then((r) => setItems(r.items), (err: unknown) => !signal?.aborted && setError(message(err)));
  useEffect(() => {
    const abort = new AbortController();
    void load(abort.signal);
    return () => abort.abort();
  }, []);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const id = `dashboard_${Date.now().toString(36)}`;
      await dashboardsApi.create({ id, title: { en: title.en.trim(), 'zh-CN': title['zh-CN'].trim() }, range: { preset: 'all' }, widgets: [] });
      navigate(`/dashboards/${id}?edit=1`);
    } catch (err) {
      setError(t('dashboards.manage.failed', { message: message(err) }));
    }
  };
  const remove = async (d: DashboardSummary) => {
    if (!window.confirm(t('dashboards.manage.confirmDelete', { title: localText(d.title, i18n.language) }))) return;
    try {
      await dashboardsApi.remove(d.id, d.revision);
      await load();
    } catch (err) {
      setError(t('dashboards.manage.failed', { message: message(err) }));
    }
  };
  return (
    <section>
      <h1>{t('dashboards.title')}</h1>
      {error && <p role="alert" className="text-danger">{error}</p>}
      {admin && (
        <form className="panel new-dashboard" onSubmit={(e) => void create(e)} aria-label={t('dashboards.manage.create')}>
          <label>
            {t('dashboards.manage.titleEn')}
            <input required value={title.en} onChange={(e) => setTitle({ ...title, en: e.target.value })} />
          </label>
          <label>
            {t('dashboards.manage.titleZh')}
            <input required lang="zh-CN" value={title['zh-CN']} onChange={(e) => setTitle({ ...title, 'zh-CN': e.target.value })} />
          </label>
          <button type="submit" className="primary">{t('dashboards.manage.createButton')}</button>
        </form>
      )}
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
            {admin && <button type="button" className="danger" onClick={() => void remove(d)}>{t('dashboards.manage.delete')}</button>}
          </li>
        ))}
      </ul>
    </section>
  );
}

const message = (err: unknown) => (err instanceof ApiError ? err.problem.detail : String(err));
