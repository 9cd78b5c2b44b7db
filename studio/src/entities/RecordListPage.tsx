import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import { useEntities } from '../app/entities-context';
import { api } from '../api/client';
import { ApiError } from '../api/problem';
import type { RecordPage } from '../api/types';
import { ListToolbar } from './ListToolbar';
import { formatListState, parseListState, toListParams, type ListState } from './list-state';
import { RecordTable } from './RecordTable';

const PAGE_SIZE = 25;

/**
 * A navigable list of one entity's records: search, filters, sortable columns, cursor paging.
 *
 * @example
 * ```tsx
 * <Route path="/records/:type" component={RecordListPage} />
 * ```
 */
export function RecordListPage() {
  const { t, i18n } = useTranslation();
  const { type = '' } = useParams<{ type: string }>();
  const search = useSearch();
  const [, navigate] = useLocation();
  const entity = useEntities().byId.get(type);
  const state = parseListState(search);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<RecordPage | null>(null);
  const [total, setTotal] = useState<number | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1] ?? null;

  useEffect(() => setCursors([null]), [type, search]);
  useEffect(() => {
    if (!entity) return;
    const ctrl = new AbortController();
    setError(null);
    api
      .list(type, toListParams(state, cursor, PAGE_SIZE), ctrl.signal)
      .then((p) => {
        setPage(p);
        if (p.total !== undefined) setTotal(p.total);
      })
      .catch((err: unknown) => {
        if (ctrl.signal.aborted) return;
        setError(err instanceof ApiError ? [err.message, ...(err.problem.errors ?? []).map((e) => `${e.parameter ?? e.pointer}: ${e.message}`)].join(' — ') : String(err));
      });
    return () => ctrl.abort();
    // state is derived from `search`
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [type, search, cursor, entity]);

  if (!entity) return <p role="alert">{t('errors.unknownEntity', { type })}</p>;
  const update = (next: ListState) => navigate(`/records/${type}?${formatListState(next)}`);
  const pageNo = cursors.length;

  return (
    <section aria-labelledby="list-title">
      <div className="page-head">
        <h1 id="list-title">{entity.labelPlural}</h1>
        <Link href={`/records/${type}/new`} className="button primary">{t('records.new', { entity: entity.label })}</Link>
      </div>
      <ListToolbar entity={entity} state={state} onChange={update} />
      {error && <p role="alert" className="field-error">{error}</p>}
      <p role="status" className="muted" aria-live="polite">
        {page ? t('records.count', { count: total ?? page.items.length, formatted: new Intl.NumberFormat(i18n.language).format(total ?? page.items.length) }) : t('status.loading')}
      </p>
      {page && <RecordTable entity={entity} records={page.items} sort={state.sort} onSort={(sort) => update({ ...state, sort })} />}
      <nav className="pager" aria-label={t('records.paging')}>
        <button type="button" disabled={pageNo <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>{t('records.previous')}</button>
        <span>{t('records.page', { page: pageNo })}</span>
        <button type="button" disabled={!page?.nextCursor} onClick={() => page?.nextCursor && setCursors((c) => [...c, page.nextCursor ?? null])}>{t('records.next')}</button>
      </nav>
    </section>
  );
}
