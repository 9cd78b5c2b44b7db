import { DndContext, DragOverlay, KeyboardSensor, PointerSensor, useSensor, useSensors, type Announcements, type DragEndEvent, type DragStartEvent } from '@dnd-kit/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useParams, useSearch } from 'wouter';
import { useSession } from '../../app/AuthGate';
import { useUserNames } from '../../app/user-names';
import { useEntities } from '../../app/entities-context';
import type { RecordView } from '../../api/types';
import { recordTitle } from '../../entities/format';
import { useStudioPlugins } from '../../plugins/context';
import { stageLabel } from '../../plugins/localize';
import { BoardColumn } from './BoardColumn';
import { BoardFilters } from './BoardFilters';
import { DealCardFace, type CardDensity } from './DealCard';
import { boardCollisions, columnKeyboardCoordinates } from './board-keyboard';
import { viewParams } from './board-views';
import { SavedFilters } from './SavedFilters';
import { MoveDialog } from './MoveDialog';
import { useBoardColumns } from './use-board-columns';
import { useBoardSource } from './use-board-source';
import { useAvailableMoves, type OfferedMove } from './use-available';
import { useMove } from './use-move';
import { useBoardValues } from './use-board-values';
import { formatMetric, localText } from '../../dashboards/format';
import { defaultBoardEntity } from './board-entity';
import { isTouched, processFilter as columnProcessFilter } from './board-data';

/** Performance mark set once the first page of every column is on screen. */
export const BOARD_READY_MARK = 'pipewright:board-ready';

/**
 * The board of any entity with stages (`/board/{entity}`, `/board` for the default one, with an
 * entity picker): records as cards in stage columns of the chosen pipeline (filters: pipeline,
 * owner, team, kept in the address). A deal sits in its own version's stage: stages only an
 * older version has get their own columns. The "Move to…" menu and the drop targets offer what
 * the server says is open to this user (`GET .../transitions`); refusals open {@link MoveDialog}.
 *
 * @example
 * ```tsx
 * <Route path="/board/:entity?" component={BoardPage} />
 * ```
 */
export function BoardPage() {
  const { t } = useTranslation();
  const { entities } = useEntities();
  const { boards } = useStudioPlugins();
  const params = useParams<{ entity?: string }>();
  const type = params.entity ?? defaultBoardEntity(boards, entities);
  if (!type) return <p role="alert">{t('board.noStagedEntity')}</p>;
  return <EntityBoard key={type} type={type} values={boards.find((b) => b.entity === type)?.values} />;
}

function EntityBoard({ type, values: valueMetrics }: { type: string; values: readonly string[] | undefined }) {
  const { t, i18n } = useTranslation();
  const { entities, byId } = useEntities();
  const { user } = useSession();
  const entity = byId.get(type);
  const search = new URLSearchParams(useSearch());
  const [location, navigate] = useLocation();
  const filters = { owner: search.get('owner') ?? '', team: search.get('team') ?? '' };
  const q = search.get('q') ?? '';
  const sort = search.get('sort') ?? '';
  const src = useBoardSource(type, search.get('process'));
  // The latest version's stages, then stages only older versions have (their deals stay there until migrated).
  const stages = useMemo(() => [...(src.definition?.stages ?? []), ...src.olderStages.map((o) => o.stage)].map((s) => ({ ...s, label: stageLabel(entity, s.id, s.label, i18n.language) })), [src.definition, src.olderStages, entity, i18n.language]);
  const notes = useMemo(() => new Map(src.olderStages.map((o) => [o.stage.id, t('board.olderVersion', { version: o.version })])), [src.olderStages, t]);
  // stable across a language change (the labels change, the columns do not reload)
  const stageKey = stages.map((s) => s.id).join('\n');
  const stageIds = useMemo(() => (stageKey ? stageKey.split('\n') : []), [stageKey]);
  // Narrowed to the chosen process only when several are published (stage ids such as "won" may be
  // shared); with one, the columns keep their exact counters (filters on owner and team only).
  const processFilter = columnProcessFilter(src.processes, src.processId, src.published);
  // Cards show a last touch when some entity's records touch this one (e.g. activities).
  const touched = useMemo(() => isTouched(entities, type), [entities, type]);
  const board = useBoardColumns(type, stageIds, { ...filters, process: processFilter, q, sort }, touched);
  // Money figures per column and in total, from the metric layer; counted again after each move.
  const [moveCount, setMoveCount] = useState(0);
  const values = useBoardValues(valueMetrics, { ...filters, process: processFilter }, moveCount);
  const available = useAvailableMoves(type);
  // While a card is dragged: the stages it may be dropped on (null: still asking the server).
  const [targets, setTargets] = useState<{ deal: string; moves: OfferedMove[] | null } | null>(null);
  const [status, setStatus] = useState('');
  const labels = useMemo(() => new Map(stages.map((s) => [s.id, s.label])), [stages]);
  // every signed-in user may read users' names (reps may not list users with their roles and units)
  const names = useUserNames();
  const owners = useMemo(() => new Map([...names, ...(user?.name ? [[user.id, user.name] as const] : []), ...src.users.map((u) => [u.id, u.name] as const)]), [names, src.users, user]);
  const [now, setNow] = useState(() => new Date());
  useEffect(() => { const h = setInterval(() => setNow(new Date()), 60_000); return () => clearInterval(h); }, []);
  const title = useCallback((d: RecordView) => recordTitle(entity, d.data, d.id), [entity]);
  const moves = useMove(type, {
    onMoved: (record, from) => { board.moved(record, from); setMoveCount((n) => n + 1); setStatus(t('board.moved', { deal: title(record), stage: labels.get(record.stage ?? '') ?? record.stage })); },
    onReloaded: board.replace,
    onHeld: (approval, record) => setStatus(t('approvals.held', { stage: labels.get(approval.to ?? '') ?? approval.to, approvers: approval.approvers.map((u) => owners.get(u) ?? u).join(', '), deal: title(record) })),
  });
  const moveRef = useRef(moves.move);
  moveRef.current = moves.move;
  const onMove = useCallback((deal: RecordView, to: string, transition: string | null, missing: OfferedMove['missing']) => void moveRef.current(deal, to, transition, missing), []);
  const [active, setActive] = useState<RecordView | null>(null);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(KeyboardSensor, { coordinateGetter: columnKeyboardCoordinates }));
  const [density, setDensity] = useState<CardDensity>(() => readDensity());
  const marked = useRef(false);
  useEffect(() => {
    if (board.ready && !marked.current && typeof performance !== 'undefined') {
      marked.current = true;
      performance.mark(BOARD_READY_MARK);
    }
  }, [board.ready]);

  const searchText = search.toString();
  const setFilter = useCallback((next: { process?: string; owner?: string; team?: string; q?: string; sort?: string }) => {
    const params = new URLSearchParams(searchText);
    for (const [k, v] of Object.entries(next)) v ? params.set(k, v) : params.delete(k);
    navigate(`${location}${params.size ? `?${params}` : ''}`, { replace: true });
  }, [searchText, location, navigate]);
  const applyView = useCallback((params: Record<string, string>) => {
    const next = new URLSearchParams(params);
    navigate(`${location}${next.size ? `?${next}` : ''}`, { replace: true });
  }, [location, navigate]);
  const dealOf = (id: unknown): RecordView | undefined => Object.values(board.columns).flatMap((c) => c.items).find((d) => d.id === id);
  // Announced by the deal's title, never its id.
  const titled = (id: unknown) => title(dealOf(id) ?? ({ id: String(id), data: {} } as RecordView));
  const announcements: Announcements = {
    onDragStart: ({ active: a }) => t('board.dragStart', { deal: titled(a.id) }),
    onDragOver: ({ active: a, over }) => (over ? t('board.dragOver', { deal: titled(a.id), stage: labels.get(String(over.id)) }) : t('board.dragOff', { deal: titled(a.id) })),
    onDragEnd: ({ active: a, over }) => (over ? t('board.dragEnd', { deal: titled(a.id), stage: labels.get(String(over.id)) }) : t('board.dragCancel', { deal: titled(a.id) })),
    onDragCancel: ({ active: a }) => t('board.dragCancel', { deal: titled(a.id) }),
  };
  const start = (e: DragStartEvent) => {
    const deal = (e.active.data.current as { deal?: RecordView } | undefined)?.deal ?? null;
    setActive(deal);
    if (!deal) return;
    setTargets({ deal: deal.id, moves: null });
    available(deal).then(
      (moves) => setTargets((cur) => (cur?.deal === deal.id ? { deal: deal.id, moves } : cur)),
      () => setTargets((cur) => (cur?.deal === deal.id ? { deal: deal.id, moves: [] } : cur)),
    );
  };
  const end = (e: DragEndEvent) => {
    setActive(null);
    const offered = targets?.moves ?? [];
    setTargets(null);
    const deal = (e.active.data.current as { deal?: RecordView } | undefined)?.deal;
    if (!deal || !e.over || e.over.id === deal.stage) return;
    const m = offered.find((x) => x.to === e.over?.id && x.enabled);
    if (m) onMove(deal, m.to, m.transition, m.missing);
    else setStatus(t('board.notATarget', { deal: title(deal), stage: labels.get(String(e.over.id)) ?? String(e.over.id) }));
  };
  const droppable = (stage: string) => !targets || (targets.moves?.some((m) => m.to === stage && m.enabled) ?? false);

  if (!entity?.stageful) return <p role="alert">{t('errors.unknownEntity', { type: type })}</p>;
  const named = { entity: entity.labelPlural.toLocaleLowerCase(i18n.language) };
  const staged = entities.filter((e) => e.stageful);
  const pendingId = moves.state?.phase === 'pending' ? moves.state.deal.id : null;
  const activeStage = active ? stages.find((s) => s.id === active.stage) : undefined;

  return (
    <section aria-labelledby="board-title">
      <div className="page-head">
        <h1 id="board-title">{t('board.title')}</h1>
        {staged.length > 1 && (
          <span>
            <label htmlFor="board-entity">{t('board.entity')} </label>
            <select id="board-entity" value={entity.fullId} onChange={(e) => navigate(`/board/${e.target.value}`)}>
              {staged.map((e) => <option key={e.fullId} value={e.fullId}>{e.labelPlural}</option>)}
            </select>
          </span>
        )}
        <span>
          <label htmlFor="board-density">{t('board.density')} </label>
          <select id="board-density" value={density} onChange={(e) => { const d = e.target.value === 'compact' ? 'compact' : 'comfortable'; setDensity(d); writeDensity(d); }}>
            <option value="comfortable">{t('board.densities.comfortable')}</option>
            <option value="compact">{t('board.densities.compact')}</option>
          </select>
        </span>
        <p role="status" className="muted" data-testid="board-status">{status}</p>
      </div>
      <p id="board-instructions" className="visually-hidden">{t('board.instructions')}</p>
      {values.metrics.length > 0 && (
        <dl className="board-totals" data-testid="board-totals">
          {values.metrics.map((m) => (
            <div key={m.id} data-metric={m.id} data-value={values.totals.get(m.id) ?? 0}>
              <dt>{localText(m.label, i18n.language)}</dt>
              <dd>{formatMetric(values.totals.get(m.id) ?? 0, m, i18n.language)}</dd>
            </div>
          ))}
        </dl>
      )}
      {values.error && <p role="alert" className="field-error">{t('board.valuesFailed', { message: values.error })}</p>}
      {q && values.metrics.length > 0 && <p className="muted" data-testid="figures-note">{t('board.figuresIgnoreSearch')}</p>}
      {user && <SavedFilters key={`${user.id}:${type}`} userId={user.id} entity={type} current={viewParams(search)} onApply={applyView} />}
      <BoardFilters processes={src.processes} processId={src.processId} users={src.users} teams={src.teams} me={user?.id ?? null} owner={filters.owner} team={filters.team} entity={entity} q={q} sort={sort} onChange={setFilter} />
      {src.error && <p role="alert" className="field-error">{src.error}</p>}
      {!src.loading && src.processes.length === 0 && <p>{t('board.noProcess', named)}</p>}
      {src.definition && !src.published && <p role="note" className="form-alert">{t('board.notPublished', named)}</p>}
      {src.loading && <p role="status">{t('status.loading')}</p>}
      <DndContext sensors={sensors} collisionDetection={boardCollisions} onDragStart={start} onDragEnd={end} onDragCancel={() => { setActive(null); setTargets(null); }} accessibility={{ announcements, screenReaderInstructions: { draggable: t('board.instructions') } }}>
        <div className="board" aria-label={t('board.columns')} role="region" data-ready={board.ready} data-testid="board">
          {stages.map((s) => (
            <BoardColumn key={s.id} density={density} stage={s} values={values.metrics.filter((m) => values.byStage.get(s.id)?.has(m.id)).map((m) => ({ metric: m, value: values.byStage.get(s.id)?.get(m.id) ?? 0 }))} {...(notes.has(s.id) ? { note: notes.get(s.id) } : {})} droppable={droppable(s.id)} column={board.columns[s.id]} entity={entity} stays={board.stays} touches={touched ? board.touches : undefined} owners={owners} now={now} pendingId={pendingId} load={available} onMove={onMove} onMore={() => board.loadMore(s.id)} />
          ))}
        </div>
        <DragOverlay>
          {active && activeStage ? (
            <div className="deal-card drag-overlay">
              <DealCardFace deal={active} entity={entity} stage={activeStage} stay={board.stays.get(active.id)} lastTouch={touched ? (board.touches.get(active.id) ?? null) : undefined} ownerName={active.owner ? owners.get(active.owner) : undefined} now={now} density={density} />
            </div>
          ) : null}
        </DragOverlay>
      </DndContext>
      <MoveDialog state={moves.state} entity={entity} labels={labels} onRetry={moves.retry} onClose={moves.close} />
    </section>
  );
}

const DENSITY_KEY = 'pipewright.board.density';

/** The card density this browser last chose (comfortable by default). */
function readDensity(): CardDensity {
  try {
    return globalThis.localStorage?.getItem(DENSITY_KEY) === 'compact' ? 'compact' : 'comfortable';
  } catch {
    return 'comfortable';
  }
}

function writeDensity(d: CardDensity): void {
  try {
    globalThis.localStorage?.setItem(DENSITY_KEY, d);
  } catch {
    // storage disabled: the choice lasts for this page
  }
}
