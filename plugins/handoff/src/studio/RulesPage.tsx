import type { StudioHost, StudioRecord } from '@pipewright/plugin-sdk/studio';
import { problemMessage } from './model';

const RULE = 'handoff.routing_rule';
const STRATEGIES = ['round_robin', 'weighted', 'capacity', 'territory', 'account_owner'] as const;

/**
 * The routing rules page (`/p/handoff/rules`): the ordered list (first match wins), each with
 * what it applies to, its strategy, who it names and its condition; admins move rules up and
 * down, switch them on and off, delete them and add new ones (records of `handoff.routing_rule`
 * through the records API; the server checks conditions and refuses non-admins).
 *
 * @example
 * ```ts
 * pages: [{ path: 'rules', component: rulesPage(host) }]
 * ```
 */
export function rulesPage(host: StudioHost) {
  const { React, api, useT, useEntities } = host;

  return function RoutingRulesPage() {
    const t = useT();
    const { byId } = useEntities();
    const entity = byId.get(RULE);
    const enumLabel = (field: string, value: unknown) => entity?.fields.find((f) => f.name === field)?.enumLabels?.[String(value)] ?? String(value);
    const [rules, setRules] = React.useState<StudioRecord[] | null>(null);
    const [admin, setAdmin] = React.useState(false);
    const [error, setError] = React.useState<string | null>(null);
    const [draft, setDraft] = React.useState({ name: '', strategy: 'round_robin', applies_to: 'lead', users: '', team: '', condition: '', territory_field: 'territory', territories: '' });

    const load = React.useCallback(async () => {
      try {
        const list = await api.list(RULE, { sort: 'position', limit: 1000 });
        setRules(list.items);
        const me = await api.request<{ user: { roles: string[] } | null }>('GET', '/api/auth/me');
        setAdmin(me.user?.roles.includes('admin') ?? false);
      } catch (err) {
        setError(problemMessage(err));
      }
    }, []);
    React.useEffect(() => void load(), [load]);

    const run = async (fn: () => Promise<unknown>) => {
      setError(null);
      try {
        await fn();
        await load();
      } catch (err) {
        setError(problemMessage(err));
      }
    };
    const patch = (r: StudioRecord, data: Record<string, unknown>) => api.request('PATCH', `/api/records/${RULE}/${r.id}`, { json: { data }, headers: { 'if-match': `"${r.version}"` } });
    const swap = (i: number, j: number) =>
      run(async () => {
        const list = rules ?? [];
        const a = list[i];
        const b = list[j];
        if (!a || !b) return;
        const pa = Number(a.data.position);
        const pb = Number(b.data.position);
        // distinct positions even when both were equal
        await patch(a, { position: pb === pa ? pa + 1 : pb });
        await patch(b, { position: pa });
      });

    const add = (e: { preventDefault(): void }) => {
      e.preventDefault();
      let condition: unknown = undefined;
      let territories: unknown = undefined;
      try {
        if (draft.condition.trim() !== '') condition = JSON.parse(draft.condition);
        if (draft.territories.trim() !== '') territories = JSON.parse(draft.territories);
      } catch {
        setError(t('rules.badJson'));
        return;
      }
      const last = (rules ?? []).reduce((m, r) => Math.max(m, Number(r.data.position ?? 0)), 0);
      const users = draft.users.split(',').map((u) => u.trim()).filter(Boolean);
      const data: Record<string, unknown> = { name: draft.name, position: last + 10, strategy: draft.strategy, active: true, ...(draft.applies_to ? { applies_to: draft.applies_to } : {}) };
      if (users.length) data.users = users;
      if (draft.team.trim()) data.team = draft.team.trim();
      if (condition !== undefined) data.condition = condition;
      if (draft.strategy === 'territory') Object.assign(data, { territory_field: draft.territory_field, ...(territories !== undefined ? { territories } : {}) });
      void run(async () => {
        await api.request('POST', `/api/records/${RULE}`, { json: { data, owner: null, orgUnit: null } });
        setDraft((d) => ({ ...d, name: '', users: '', team: '', condition: '', territories: '' }));
      });
    };

    const who = (r: StudioRecord) => {
      const users = Array.isArray(r.data.users) ? (r.data.users as string[]).join(', ') : '';
      const territories = r.data.territories ? Object.entries(r.data.territories as Record<string, string>).map(([k, v]) => `${k} → ${v}`).join(', ') : '';
      return [users, typeof r.data.team === 'string' ? r.data.team : '', territories].filter(Boolean).join('; ') || '—';
    };

    return (
      <div className="handoff-rules" data-testid="handoff-rules">
        <div className="page-head">
          <h1>{t('rules.title')}</h1>
        </div>
        <p className="muted">{t('rules.intro')}</p>
        {!admin && rules !== null && <p className="muted">{t('rules.adminsOnly')}</p>}
        {error && <div className="form-alert" role="alert" data-testid="rules-error">{error}</div>}
        {rules !== null && rules.length === 0 && <p className="empty">{t('rules.empty')}</p>}
        {rules !== null && rules.length > 0 && (
          <div className="table-wrap">
            <table className="records" data-testid="rules-list">
              <thead>
                <tr>
                  <th>{t('rules.position')}</th>
                  <th>{t('rules.name')}</th>
                  <th>{t('rules.appliesTo')}</th>
                  <th>{t('rules.strategy')}</th>
                  <th>{t('rules.who')}</th>
                  <th>{t('rules.condition')}</th>
                  <th>{t('rules.active')}</th>
                  {admin && <th />}
                </tr>
              </thead>
              <tbody>
                {rules.map((r, i) => (
                  <tr key={r.id} data-record={r.id}>
                    <td>{i + 1}</td>
                    <td>{String(r.data.name)}</td>
                    <td>{r.data.applies_to ? enumLabel('applies_to', r.data.applies_to) : t('rules.any')}</td>
                    <td>{enumLabel('strategy', r.data.strategy)}</td>
                    <td>{who(r)}</td>
                    <td>
                      <code>{r.data.condition && Object.keys(r.data.condition as object).length ? JSON.stringify(r.data.condition) : t('rules.always')}</code>
                    </td>
                    <td>
                      <input type="checkbox" aria-label={t('rules.active')} checked={r.data.active !== false} disabled={!admin} onChange={(e) => void run(() => patch(r, { active: e.target.checked }))} />
                    </td>
                    {admin && (
                      <td style={{ whiteSpace: 'nowrap' }}>
                        <button type="button" disabled={i === 0} onClick={() => void swap(i, i - 1)} aria-label={t('rules.up')} title={t('rules.up')}>↑</button>{' '}
                        <button type="button" disabled={i === rules.length - 1} onClick={() => void swap(i, i + 1)} aria-label={t('rules.down')} title={t('rules.down')}>↓</button>{' '}
                        <button type="button" onClick={() => void run(() => api.request('DELETE', `/api/records/${RULE}/${r.id}`, { headers: { 'if-match': `"${r.version}"` } }))}>{t('rules.delete')}</button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {admin && (
          <form className="panel" onSubmit={add} aria-label={t('rules.add')} data-testid="rules-add">
            <h2>{t('rules.add')}</h2>
            <div className="filter-form">
              <label>
                {t('rules.name')} <input required value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
              </label>
              <label>
                {t('rules.appliesTo')}{' '}
                <select value={draft.applies_to} onChange={(e) => setDraft({ ...draft, applies_to: e.target.value })}>
                  <option value="">{t('rules.any')}</option>
                  {['lead', 'marketing_to_sales', 'presales_to_sales', 'sales_to_presales', 'sales_to_success'].map((v) => (
                    <option key={v} value={v}>{enumLabel('applies_to', v)}</option>
                  ))}
                </select>
              </label>
              <label>
                {t('rules.strategy')}{' '}
                <select value={draft.strategy} onChange={(e) => setDraft({ ...draft, strategy: e.target.value })}>
                  {STRATEGIES.map((v) => (
                    <option key={v} value={v}>{enumLabel('strategy', v)}</option>
                  ))}
                </select>
              </label>
              <label>
                {t('rules.users')} <input value={draft.users} onChange={(e) => setDraft({ ...draft, users: e.target.value })} />
              </label>
              <label>
                {t('rules.team')} <input value={draft.team} onChange={(e) => setDraft({ ...draft, team: e.target.value })} />
              </label>
              {draft.strategy === 'territory' && (
                <label>
                  {t('rules.territories')} <input value={draft.territories} onChange={(e) => setDraft({ ...draft, territories: e.target.value })} placeholder='{"emea":"user-id"}' />
                </label>
              )}
              <label style={{ flexBasis: '100%' }}>
                {t('rules.conditionJson')} <input style={{ width: '100%' }} value={draft.condition} onChange={(e) => setDraft({ ...draft, condition: e.target.value })} placeholder='{">=":[{"var":"score"},50]}' />
              </label>
              <button type="submit" className="primary">{t('rules.save')}</button>
            </div>
          </form>
        )}
      </div>
    );
  };
}
