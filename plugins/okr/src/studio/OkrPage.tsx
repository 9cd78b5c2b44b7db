import { Background, Controls, Handle, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import type { StudioHost, StudioRecord } from '@pipewright/plugin-sdk/studio';
import { defaultCycle, formatNumber, layoutTree, mapKeyResults, mapObjectives, NODE_WIDTH, nodeHeight, percent, type MapKeyResult, type MapObjective } from './model';

type T = (key: string, values?: Record<string, unknown>) => string;
type Load<D> = { state: 'loading' } | { state: 'ok'; data: D } | { state: 'failed'; message: string };

interface ObjectiveNodeData extends Record<string, unknown> {
  objective: MapObjective;
  keyResults: MapKeyResult[];
  selected: string | null;
  onSelect(id: string): void;
  t: T;
  language: string;
}
type ObjectiveFlowNode = Node<ObjectiveNodeData, 'objective'>;

interface Explanation {
  kind: string;
  query: { metrics: string[]; from: string; to: string; groupBy?: string[] } | null;
  cell: Record<string, string> | null;
  records: Record<string, unknown> | null;
}

const PRO_OPTIONS = { hideAttribution: true };
const STATUS_COLOR: Record<string, string> = { on_track: '#1a7f37', at_risk: '#9a6700', off_track: '#cf222e' };
const errorText = (err: unknown): string => {
  const p = (err as { problem?: { detail?: string; errors?: { pointer?: string; message?: string }[] } } | null)?.problem;
  if (p) return [p.detail ?? '', ...(p.errors ?? []).map((e) => `${e.pointer ?? ''} ${e.message ?? ''}`.trim())].filter(Boolean).join(' · ');
  return err instanceof Error ? err.message : String(err);
};

/** One objective on the alignment map: level, title, progress bar and its key results (each selectable). */
function ObjectiveNode({ data }: NodeProps<ObjectiveFlowNode>) {
  const { objective: o, keyResults, t, language } = data;
  const p = percent(o.progress, language);
  const width = `${Math.round(Math.min(Math.max(o.progress ?? 0, 0), 1) * 100)}%`;
  return (
    <div data-testid="okr-node" data-objective={o.id} data-progress={o.progress ?? ''} style={{ width: NODE_WIDTH, boxSizing: 'border-box', padding: '8px 10px 12px', border: '1px solid #8c959f', borderRadius: 8, background: '#fff', fontSize: 13 }}>
      <Handle type="target" position={Position.Top} />
      <div style={{ fontSize: 11, textTransform: 'uppercase', color: '#57606a' }}>
        {t(`okr.level.${o.level}`)}
        {o.private ? ` · ${t('okr.private')}` : ''}
      </div>
      <div data-testid="okr-node-title" style={{ fontWeight: 600, margin: '2px 0 4px', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} title={o.title}>
        {o.title}
      </div>
      <div aria-hidden="true" style={{ height: 6, background: '#eaeef2', borderRadius: 3 }}>
        <div style={{ width, height: 6, background: '#2da44e', borderRadius: 3 }} />
      </div>
      <div data-testid="okr-node-progress" style={{ marginTop: 2 }}>
        {t('okr.progress')}: <strong>{p ?? t('okr.noProgress')}</strong>
        {o.final ? ` (${t('okr.final')})` : ''}
      </div>
      <ul style={{ listStyle: 'none', margin: '4px 0 0', padding: 0 }}>
        {keyResults.map((kr) => (
          <li key={kr.id} style={{ display: 'flex', justifyContent: 'space-between', gap: 6, height: 22, alignItems: 'center' }}>
            <button type="button" className="nodrag nopan" data-testid="okr-kr" data-kr={kr.id} aria-pressed={data.selected === kr.id} onClick={() => data.onSelect(kr.id)} style={{ all: 'unset', cursor: 'pointer', color: '#0969da', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', maxWidth: 170, fontWeight: data.selected === kr.id ? 700 : 400 }} title={kr.title}>
              {kr.title}
            </button>
            <span data-testid="okr-kr-progress" data-kr={kr.id} style={{ color: kr.status ? STATUS_COLOR[kr.status] : '#57606a' }}>
              {percent(kr.progress, language) ?? '—'}
            </span>
          </li>
        ))}
      </ul>
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}

const NODE_TYPES = { objective: ObjectiveNode };

/**
 * The OKR page (`/p/okr/cycles`): a cycle's objectives on an alignment map (React Flow, laid
 * out top-down by dagre) with the computed progress of each objective and key result, and for a
 * selected key result its computed value, how it is computed (the metric query and the records
 * behind it), the check-in form and the confidence trend. Every number comes from the records
 * API's `computed` values.
 *
 * @example
 * ```ts
 * pages: [{ path: 'cycles', component: okrPage(host) }]
 * ```
 */
export function okrPage(host: StudioHost) {
  const { React, api, ui, useT, useLanguage, useEntities } = host;

  function useLoad<D>(key: string, fetch: (signal: AbortSignal) => Promise<D>): Load<D> {
    const [load, setLoad] = React.useState<{ key: string; load: Load<D> }>({ key, load: { state: 'loading' } });
    React.useEffect(() => {
      const ctrl = new AbortController();
      setLoad({ key, load: { state: 'loading' } });
      fetch(ctrl.signal).then(
        (data) => !ctrl.signal.aborted && setLoad({ key, load: { state: 'ok', data } }),
        (err: unknown) => !ctrl.signal.aborted && setLoad({ key, load: { state: 'failed', message: errorText(err) } }),
      );
      return () => ctrl.abort();
    }, [key]);
    return load.key === key ? load.load : { state: 'loading' };
  }

  function AlignmentMap({ objectives, keyResults, selected, onSelect }: { objectives: MapObjective[]; keyResults: MapKeyResult[]; selected: string | null; onSelect(id: string): void }) {
    const t = useT();
    const language = useLanguage();
    const krsOf = new Map<string, MapKeyResult[]>();
    for (const kr of keyResults) krsOf.set(kr.objectiveId, [...(krsOf.get(kr.objectiveId) ?? []), kr]);
    const positions = layoutTree(objectives, new Map([...krsOf].map(([id, list]) => [id, list.length])));
    const nodes: ObjectiveFlowNode[] = objectives.map((o) => ({
      id: o.id,
      type: 'objective',
      position: positions[o.id] ?? { x: 0, y: 0 },
      data: { objective: o, keyResults: krsOf.get(o.id) ?? [], selected, onSelect, t, language },
      style: { width: NODE_WIDTH, height: nodeHeight((krsOf.get(o.id) ?? []).length) },
      draggable: false,
      connectable: false,
    }));
    const edges: Edge[] = objectives.filter((o) => o.parentId).map((o) => ({ id: `${o.parentId}-${o.id}`, source: o.parentId as string, target: o.id, type: 'smoothstep' }));
    const depth = Math.max(1, ...Object.values(positions).map((p) => p.y)) + 260;
    return (
      <div data-testid="okr-map" role="img" aria-label={t('okr.mapLabel')} style={{ height: Math.min(Math.max(depth, 360), 720), border: '1px solid #d0d7de', borderRadius: 8 }}>
        <ReactFlow<ObjectiveFlowNode, Edge> nodes={nodes} edges={edges} nodeTypes={NODE_TYPES} fitView fitViewOptions={{ padding: 0.08 }} nodesDraggable={false} nodesConnectable={false} proOptions={PRO_OPTIONS} minZoom={0.2}>
          <Background />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
    );
  }

  function Explain({ kr, cycle }: { kr: MapKeyResult; cycle: StudioRecord | undefined }) {
    const t = useT();
    const { byId } = useEntities();
    const explanation = useLoad(`explain:${kr.id}`, (signal) => api.request<Explanation>('GET', `/api/plugins/okr/key-results/${kr.id}/explanation`, { signal }));
    const records = useLoad(`records:${kr.id}:${explanation.state}`, (signal) =>
      explanation.state === 'ok' && explanation.data.records ? api.request<{ items: StudioRecord[]; nextCursor: string | null }>('POST', '/api/metrics/records', { json: { ...explanation.data.records, limit: 20 }, signal }) : Promise.resolve(null),
    );
    const units = useLoad('units', (signal) => api.request<{ items: { id: string; name: string }[] }>('GET', '/api/org-units', { signal }).then((r) => new Map(r.items.map((u) => [u.id, u.name]))).catch(() => new Map<string, string>()));
    let text: string;
    if (kr.kind === 'numeric') text = t('okr.explainNumeric');
    else if (kr.kind === 'milestone') text = t('okr.explainMilestone');
    else if (explanation.state !== 'ok' || !explanation.data.query) text = explanation.state === 'failed' ? explanation.message : t('okr.loading');
    else {
      const q = explanation.data.query;
      const cellId = Object.values(explanation.data.cell ?? {})[0];
      const name = cellId ? ((units.state === 'ok' ? units.data.get(cellId) : undefined) ?? cellId) : null;
      text = t('okr.explainMetric', { metric: q.metrics[0], from: q.from, to: q.to, scope: name ? t('okr.scopeOf', { scope: name }) : t('okr.scopeCompany') });
    }
    return (
      <div data-testid="okr-explain">
        <h3>{t('okr.explain')}</h3>
        <p data-testid="okr-explain-text">{text}</p>
        <p className="muted">{t('okr.formula')}</p>
        {cycle && <p className="muted">{String(cycle.data.name)}: {String(cycle.data.start)} – {String(cycle.data.end)}</p>}
        {kr.kind === 'metric' && records.state === 'ok' && records.data && (
          <>
            <h4>{t('okr.records')}</h4>
            {records.data.items.length === 0 ? (
              <p className="muted">{t('okr.noRecords')}</p>
            ) : (
              <ul data-testid="okr-records">
                {records.data.items.map((r) => (
                  <li key={r.id}>
                    <ui.Link href={`/records/${r.type}/${r.id}`}>{ui.recordTitle(byId.get(r.type), r.data, r.id)}</ui.Link>
                  </li>
                ))}
              </ul>
            )}
            {records.data.nextCursor && <p className="muted">{t('okr.more', { n: records.data.items.length })}</p>}
          </>
        )}
      </div>
    );
  }

  function CheckInForm({ kr, onSaved }: { kr: MapKeyResult; onSaved(): void }) {
    const t = useT();
    const [value, setValue] = React.useState('');
    const [done, setDone] = React.useState(false);
    const [confidence, setConfidence] = React.useState('7');
    const [status, setStatus] = React.useState('on_track');
    const [comment, setComment] = React.useState('');
    const [blockers, setBlockers] = React.useState('');
    const [message, setMessage] = React.useState<{ ok: boolean; text: string } | null>(null);
    const [busy, setBusy] = React.useState(false);
    async function submit(e: { preventDefault(): void }) {
      e.preventDefault();
      setBusy(true);
      const data: Record<string, unknown> = { key_result_id: kr.id, confidence: Number(confidence), status };
      if (kr.kind === 'numeric' && value.trim() !== '') data.value = Number(value);
      if (kr.kind === 'milestone') data.done = done;
      if (comment.trim()) data.comment = comment.trim();
      if (blockers.trim()) data.blockers = blockers.trim();
      try {
        await api.request('POST', '/api/records/okr.check_in', { json: { data } });
        setMessage({ ok: true, text: t('okr.saved') });
        setValue('');
        setComment('');
        setBlockers('');
        onSaved();
      } catch (err) {
        setMessage({ ok: false, text: errorText(err) });
      } finally {
        setBusy(false);
      }
    }
    const row = { display: 'grid', gridTemplateColumns: '9rem 1fr', gap: 8, alignItems: 'center', marginBottom: 6 } as const;
    return (
      <form data-testid="okr-checkin" onSubmit={(e) => void submit(e)}>
        <h3>{t('okr.checkIn')}</h3>
        {kr.kind === 'numeric' && (
          <label style={row}>
            <span>{t('okr.value')}</span>
            <input name="value" type="number" step="any" required value={value} onChange={(e) => setValue(e.target.value)} />
          </label>
        )}
        {kr.kind === 'milestone' && (
          <label style={row}>
            <span>{t('okr.done')}</span>
            <input name="done" type="checkbox" checked={done} onChange={(e) => setDone(e.target.checked)} />
          </label>
        )}
        <label style={row}>
          <span>{t('okr.confidence')}</span>
          <select name="confidence" value={confidence} onChange={(e) => setConfidence(e.target.value)}>
            {Array.from({ length: 10 }, (_, i) => String(i + 1)).map((n) => (
              <option key={n} value={n}>{n}</option>
            ))}
          </select>
        </label>
        <label style={row}>
          <span>{t('okr.status')}</span>
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value)}>
            {['on_track', 'at_risk', 'off_track'].map((s) => (
              <option key={s} value={s}>{t(`okr.status.${s}`)}</option>
            ))}
          </select>
        </label>
        <label style={row}>
          <span>{t('okr.comment')}</span>
          <textarea name="comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
        </label>
        <label style={row}>
          <span>{t('okr.blockers')}</span>
          <textarea name="blockers" rows={2} value={blockers} onChange={(e) => setBlockers(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={busy}>{t('okr.save')}</button>
        {message && (
          <p role={message.ok ? 'status' : 'alert'} data-testid="okr-checkin-message" className={message.ok ? 'muted' : 'form-alert'}>
            {message.text}
          </p>
        )}
      </form>
    );
  }

  function Trend({ kr, reload }: { kr: MapKeyResult; reload: number }) {
    const t = useT();
    const language = useLanguage();
    const checkIns = useLoad(`checkins:${kr.id}:${reload}`, (signal) => api.list('okr.check_in', { filters: [{ field: 'key_result_id', op: 'eq', value: kr.id }], sort: 'date', limit: 200 }, signal).then((r) => r.items));
    if (checkIns.state !== 'ok') return <p className="muted">{checkIns.state === 'failed' ? checkIns.message : t('okr.loading')}</p>;
    const items = checkIns.data;
    const dates = items.map((c) => new Intl.DateTimeFormat(language, { month: 'short', day: 'numeric' }).format(new Date(String(c.data.date))));
    return (
      <div data-testid="okr-trend">
        <h3>{t('okr.trend')}</h3>
        {items.length === 0 ? (
          <p className="muted">{t('okr.noCheckIns')}</p>
        ) : (
          <>
            <ui.Chart
              label={t('okr.trend')}
              testId="okr-trend-chart"
              option={{ grid: { left: 40, right: 16, top: 16, bottom: 28 }, tooltip: { trigger: 'axis' }, xAxis: { type: 'category', data: dates }, yAxis: { type: 'value', min: 0, max: 10 }, series: [{ type: 'line', name: t('okr.confidence'), data: items.map((c) => c.data.confidence), label: { show: true } }] }}
            />
            <table className="records" data-testid="okr-checkins">
              <thead>
                <tr>
                  <th scope="col">{t('okr.date')}</th>
                  <th scope="col">{t('okr.value')}</th>
                  <th scope="col">{t('okr.confidence')}</th>
                  <th scope="col">{t('okr.status')}</th>
                  <th scope="col">{t('okr.comment')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c, i) => (
                  <tr key={c.id}>
                    <td>{dates[i]}</td>
                    <td>{typeof c.data.value === 'number' ? formatNumber(c.data.value, language) : c.data.done === true ? t('okr.done') : '—'}</td>
                    <td data-testid="okr-checkin-confidence">{String(c.data.confidence)}</td>
                    <td>{t(`okr.status.${String(c.data.status)}`)}</td>
                    <td>{[c.data.comment, c.data.blockers].filter((x) => typeof x === 'string' && x).join(' · ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
    );
  }

  function KeyResultDetail({ kr, cycle, reload, onSaved }: { kr: MapKeyResult; cycle: StudioRecord | undefined; reload: number; onSaved(): void }) {
    const t = useT();
    const language = useLanguage();
    const closed = cycle?.data.state === 'closed';
    const fmt = (v: number | null) => `${formatNumber(v, language)}${kr.unit && v !== null ? ` ${kr.unit}` : ''}`;
    return (
      <ui.Panel title={kr.title} testId="okr-kr-detail">
        <dl className="fields">
          <div className="field-row"><dt>{t('okr.current')}</dt><dd data-testid="okr-kr-current">{kr.kind === 'milestone' ? (kr.current === 1 ? t('okr.done') : '—') : fmt(kr.current)}</dd></div>
          {kr.kind !== 'milestone' && <div className="field-row"><dt>{t('okr.start')}</dt><dd>{fmt(kr.start)}</dd></div>}
          {kr.kind !== 'milestone' && <div className="field-row"><dt>{t('okr.target')}</dt><dd>{fmt(kr.target)}</dd></div>}
          <div className="field-row"><dt>{t('okr.progress')}</dt><dd data-testid="okr-kr-detail-progress">{percent(kr.progress, language) ?? t('okr.noProgress')}</dd></div>
          <div className="field-row"><dt>{t('okr.confidence')}</dt><dd data-testid="okr-kr-confidence">{kr.confidence === null ? '—' : `${kr.confidence} / 10`}</dd></div>
          <div className="field-row"><dt>{t('okr.status')}</dt><dd>{kr.status ? t(`okr.status.${kr.status}`) : '—'}</dd></div>
        </dl>
        {kr.asOf && <p className="muted">{t('okr.asOf', { time: new Date(kr.asOf).toLocaleString(language) })}</p>}
        <p><ui.Link href={`/records/okr.key_result/${kr.id}`}>{t('okr.open')}</ui.Link></p>
        <Explain kr={kr} cycle={cycle} />
        {!closed && <CheckInForm kr={kr} onSaved={onSaved} />}
        <Trend kr={kr} reload={reload} />
      </ui.Panel>
    );
  }

  return function OkrPage() {
    const t = useT();
    const params = new URLSearchParams(window.location.search);
    const [cycleId, setCycleId] = React.useState<string | null>(params.get('cycle'));
    const [selected, setSelected] = React.useState<string | null>(params.get('kr'));
    const [reload, setReload] = React.useState(0);
    const cycles = useLoad('cycles', (signal) => api.list('okr.cycle', { sort: '-start', limit: 200 }, signal).then((r) => r.items));
    const today = new Date().toISOString().slice(0, 10);
    const cycleList = cycles.state === 'ok' ? cycles.data : [];
    const current = cycles.state === 'ok' ? defaultCycle(cycleList, cycleId, today) : null;
    const cycle = cycleList.find((c) => c.id === current);
    React.useEffect(() => {
      const q = new URLSearchParams();
      if (current) q.set('cycle', current);
      if (selected) q.set('kr', selected);
      const search = q.toString() ? `?${q.toString()}` : '';
      if (search !== window.location.search) window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}`);
    }, [current, selected]);
    const tree = useLoad(`tree:${current ?? ''}:${reload}`, async (signal) => {
      if (!current) return { objectives: [] as MapObjective[], keyResults: [] as MapKeyResult[] };
      const filters = [{ field: 'cycle_id', op: 'eq', value: current }];
      const [o, k] = await Promise.all([api.list('okr.objective', { filters, limit: 1000, sort: 'createdAt' }, signal), api.list('okr.key_result', { filters, limit: 1000, sort: 'createdAt' }, signal)]);
      return { objectives: mapObjectives(o.items), keyResults: mapKeyResults(k.items) };
    });
    // While a reload (after a check-in) runs, the last answer stays on screen.
    const last = React.useRef<{ objectives: MapObjective[]; keyResults: MapKeyResult[]; cycle: string | null } | null>(null);
    if (tree.state === 'ok') last.current = { ...tree.data, cycle: current };
    const shown: Load<{ objectives: MapObjective[]; keyResults: MapKeyResult[] }> = tree.state === 'loading' && last.current && last.current.cycle === current ? { state: 'ok', data: last.current } : tree;
    const kr = shown.state === 'ok' ? shown.data.keyResults.find((k) => k.id === selected) : undefined;
    return (
      <article aria-labelledby="okr-title" data-testid="okr-page">
        <div className="page-head">
          <h1 id="okr-title">{t('okr.title')}</h1>
          {cycleList.length > 0 && (
            <label>
              {t('okr.cycle')}{' '}
              <select name="cycle" data-testid="okr-cycle" value={current ?? ''} onChange={(e) => { setCycleId(e.target.value); setSelected(null); }}>
                {cycleList.map((c) => (
                  <option key={c.id} value={c.id}>{String(c.data.name)}</option>
                ))}
              </select>
            </label>
          )}
        </div>
        {cycles.state === 'loading' && <p role="status" className="muted">{t('okr.loading')}</p>}
        {cycles.state === 'failed' && <p role="alert" className="form-alert">{t('okr.failed')}: {cycles.message}</p>}
        {cycles.state === 'ok' && cycleList.length === 0 && <p className="muted">{t('okr.noCycles')}</p>}
        {current && (
          <ui.Panel title={t('okr.map')} testId="okr-map-panel">
            {shown.state === 'loading' && <p role="status" className="muted">{t('okr.loading')}</p>}
            {shown.state === 'failed' && <p role="alert" className="form-alert">{t('okr.failed')}: {shown.message}</p>}
            {shown.state === 'ok' && (shown.data.objectives.length === 0 ? <p className="muted">{t('okr.empty')}</p> : <AlignmentMap objectives={shown.data.objectives} keyResults={shown.data.keyResults} selected={selected} onSelect={setSelected} />)}
          </ui.Panel>
        )}
        {shown.state === 'ok' && shown.data.objectives.length > 0 && !kr && <p className="muted">{t('okr.select')}</p>}
        {kr && <KeyResultDetail key={kr.id} kr={kr} cycle={cycle} reload={reload} onSaved={() => setReload((n) => n + 1)} />}
      </article>
    );
  };
}
