import type { StudioHost } from '@pipewright/plugin-sdk/studio';
import { poolLeads, type LeadPage, type PoolLead } from './PoolLeads';

export interface Stint {
  owner: string;
  ownerName: string;
  from: string;
  to: string | null;
  startedBy: string | null;
  endedBy: string | null;
  reason: string | null;
  rule: string | null;
}
interface RuleView {
  id: string;
  label?: { en: string; 'zh-CN'?: string };
  measure: string;
  limit: unknown;
}
interface PoolView {
  id: string;
  version: number;
  name: string;
  nameZh: string | null;
  isDefault: boolean;
  regionUnit: string | null;
  memberUnits: string[];
  memberUsers: string[];
  maxHeld: number;
  maxClaimsPerDay: number;
  cooldownDays: number;
  recycleEnabled: boolean;
  warnDays: number;
  rules: RuleView[];
  defaultRules: boolean;
  member: boolean;
  pooled?: number;
  schedule?: string | null;
}
interface PoolAccount {
  id: string;
  name: string;
  grade: string | null;
  sector: string | null;
  history: Stint[];
}
interface Unit {
  id: string;
  name: string;
}

const MEASURES = ['days_since_follow_up', 'days_since_deal', 'days_since_lost'] as const;
/** Accounts per page of the pool page. */
const PAGE = 50;

/** A pool's name in the reader's language. */
export const poolTitle = (p: { name: string; nameZh: string | null }, lang: string) => (lang === 'zh-CN' && p.nameZh ? p.nameZh : p.name);

/** A problem's message as the server worded it in the reader's language. */
export const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** One account's owner history, oldest first: who held it, from when to when, how it ended and why. */
export function stintList({ React, useT, useLanguage }: StudioHost) {
  return function StintList({ history }: { history: Stint[] }) {
    const t = useT();
    const lang = useLanguage();
    const day = (iso: string) => new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(iso));
    if (history.length === 0) return <span className="pool-history muted">{t('pool.history.none')}</span>;
    return (
      <ol className="pool-history" style={{ margin: 0, paddingLeft: 0, listStyle: 'none' }}>
        {history.map((s, i) => (
          <li key={i} data-owner={s.owner} data-ended={s.endedBy ?? ''}>
            <strong>{s.ownerName}</strong> {s.to ? t('pool.history.range', { from: day(s.from), to: day(s.to) }) : t('pool.history.since', { from: day(s.from) })}
            {s.startedBy ? ` · ${t(`pool.started.${s.startedBy}`)}` : ''}
            {s.endedBy ? ` · ${t(`pool.ended.${s.endedBy}`)}` : ''}
            {s.reason ? `: ${s.reason}` : ''}
          </li>
        ))}
      </ol>
    );
  };
}

/**
 * The pool page (`/p/crm/pool`): the pools the user may claim from, each pool's accounts without
 * an owner with their owner history and a one-click claim (and its leads, when the handoff plugin
 * is installed: a switch between accounts and leads), the user's claims against the
 * limits; for admins the pool's settings (members, claim rules, recycle rules) and a new pool.
 */
export function poolPage(host: StudioHost) {
  const { React, api, useT, useLanguage, ui } = host;
  const StintList = stintList(host);
  const PoolLeads = poolLeads(host, StintList);
  function Settings({ pool, units, onSaved }: { pool: PoolView | null; units: Unit[]; onSaved: (id: string) => void }) {
    const t = useT();
    const lang = useLanguage();
    const init = () => ({
      name: pool?.name ?? '',
      nameZh: pool?.nameZh ?? '',
      regionUnit: pool?.regionUnit ?? '',
      memberUnits: pool?.memberUnits ?? [],
      memberUsers: (pool?.memberUsers ?? []).join(', '),
      maxHeld: String(pool?.maxHeld ?? 50),
      maxClaimsPerDay: String(pool?.maxClaimsPerDay ?? 5),
      cooldownDays: String(pool?.cooldownDays ?? 30),
      warnDays: String(pool?.warnDays ?? 3),
      recycleEnabled: pool?.recycleEnabled ?? true,
      isDefault: pool?.isDefault ?? false,
      schedule: pool?.schedule ?? '',
      rules: (pool?.rules ?? []).map((r) => ({ id: r.id, en: r.label?.en ?? '', zh: r.label?.['zh-CN'] ?? '', measure: r.measure, limit: JSON.stringify(r.limit) })),
    });
    const [f, setF] = React.useState(init);
    const [message, setMessage] = React.useState<{ ok: boolean; text: string } | null>(null);
    const [busy, setBusy] = React.useState(false);
    React.useEffect(() => setF(init()), [pool?.id, pool?.version]);
    React.useEffect(() => setMessage(null), [pool?.id]);
    const set = (patch: Partial<ReturnType<typeof init>>) => setF({ ...f, ...patch });
    const save = async () => {
      setBusy(true);
      setMessage(null);
      try {
        const rules = f.rules.map((r, i) => {
          let limit: unknown;
          try {
            limit = JSON.parse(r.limit);
          } catch {
            throw new Error(t('pool.settings.badLimit', { n: i + 1 }));
          }
          return { id: r.id, label: { en: r.en || r.id, ...(r.zh ? { 'zh-CN': r.zh } : {}) }, measure: r.measure, limit };
        });
        const data: Record<string, unknown> = {
          name: f.name.trim(),
          name_zh: f.nameZh.trim() || null,
          region_unit: f.regionUnit || null,
          member_units: f.memberUnits,
          member_users: f.memberUsers.split(/[,\s]+/).filter(Boolean),
          max_held: Number(f.maxHeld),
          max_claims_per_day: Number(f.maxClaimsPerDay),
          reclaim_cooldown_days: Number(f.cooldownDays),
          warn_days: Number(f.warnDays),
          recycle_enabled: f.recycleEnabled,
          is_default: f.isDefault,
          recycle_schedule: f.schedule.trim() || null,
          recycle_rules: rules.length > 0 ? rules : null,
        };
        const saved = pool
          ? await api.request<{ id: string }>('PATCH', `/api/records/crm.pool/${pool.id}`, { headers: { 'if-match': `"${pool.version}"` }, json: { data } })
          : await api.request<{ id: string }>('POST', '/api/records/crm.pool', { json: { data: Object.fromEntries(Object.entries(data).filter(([, v]) => v !== null)), owner: null, orgUnit: null } });
        setMessage({ ok: true, text: t('pool.settings.saved') });
        onSaved(saved.id);
      } catch (err) {
        setMessage({ ok: false, text: messageOf(err) });
      } finally {
        setBusy(false);
      }
    };
    const num = (key: 'maxHeld' | 'maxClaimsPerDay' | 'cooldownDays' | 'warnDays', id: string) => (
      <label htmlFor={id} style={{ display: 'grid', gap: '0.2rem' }}>
        {t(`pool.settings.${key}`)}
        <input id={id} type="number" min={0} value={f[key]} onChange={(e) => set({ [key]: e.target.value })} style={{ width: '7rem' }} />
      </label>
    );
    return (
      <ui.Panel title={pool ? t('pool.settings.title', { name: poolTitle(pool, lang) }) : t('pool.settings.new')} testId="pool-settings">
        <form onSubmit={(e) => e.preventDefault()} style={{ display: 'grid', gap: '0.7rem' }}>
          <div style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap' }}>
            <label htmlFor="pool-name" style={{ display: 'grid', gap: '0.2rem' }}>
              {t('pool.settings.name')}
              <input id="pool-name" value={f.name} onChange={(e) => set({ name: e.target.value })} />
            </label>
            <label htmlFor="pool-name-zh" style={{ display: 'grid', gap: '0.2rem' }}>
              {t('pool.settings.nameZh')}
              <input id="pool-name-zh" value={f.nameZh} onChange={(e) => set({ nameZh: e.target.value })} />
            </label>
            <label htmlFor="pool-region" style={{ display: 'grid', gap: '0.2rem' }}>
              {t('pool.settings.region')}
              <select id="pool-region" value={f.regionUnit} onChange={(e) => set({ regionUnit: e.target.value })}>
                <option value="">{t('pool.settings.noRegion')}</option>
                {units.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <fieldset style={{ border: 'none', padding: 0, margin: 0 }}>
            <legend>{t('pool.settings.memberUnits')}</legend>
            <div style={{ display: 'flex', gap: '0.8rem', flexWrap: 'wrap' }}>
              {units.map((u) => (
                <label key={u.id}>
                  <input type="checkbox" checked={f.memberUnits.includes(u.id)} onChange={(e) => set({ memberUnits: e.target.checked ? [...f.memberUnits, u.id] : f.memberUnits.filter((x) => x !== u.id) })} /> {u.name}
                </label>
              ))}
            </div>
          </fieldset>
          <label htmlFor="pool-users" style={{ display: 'grid', gap: '0.2rem' }}>
            {t('pool.settings.memberUsers')}
            <input id="pool-users" value={f.memberUsers} onChange={(e) => set({ memberUsers: e.target.value })} placeholder="rick-rep, cora-colleague" />
          </label>
          <div style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap' }}>
            {num('maxHeld', 'pool-max-held')}
            {num('maxClaimsPerDay', 'pool-max-daily')}
            {num('cooldownDays', 'pool-cooldown')}
            {num('warnDays', 'pool-warn')}
            <label htmlFor="pool-schedule" style={{ display: 'grid', gap: '0.2rem' }}>
              {t('pool.settings.schedule')}
              <input id="pool-schedule" value={f.schedule} onChange={(e) => set({ schedule: e.target.value })} placeholder="15 * * * *" style={{ width: '9rem', fontFamily: 'monospace' }} />
            </label>
          </div>
          <div style={{ display: 'flex', gap: '1.2rem' }}>
            <label>
              <input type="checkbox" checked={f.recycleEnabled} onChange={(e) => set({ recycleEnabled: e.target.checked })} /> {t('pool.settings.recycleEnabled')}
            </label>
            <label>
              <input type="checkbox" checked={f.isDefault} onChange={(e) => set({ isDefault: e.target.checked })} /> {t('pool.settings.isDefault')}
            </label>
          </div>
          <fieldset style={{ border: 'none', padding: 0, margin: 0 }} data-testid="pool-rules">
            <legend>{t('pool.settings.rules')}</legend>
            <p className="muted" style={{ margin: '0.2rem 0' }}>
              {t('pool.settings.rulesHelp')}
              {pool?.defaultRules ? ` ${t('pool.settings.defaultRules')}` : ''}
            </p>
            {f.rules.map((r, i) => (
              <div key={i} data-rule={r.id} style={{ display: 'flex', gap: '0.5rem', alignItems: 'end', flexWrap: 'wrap', marginBottom: '0.4rem' }}>
                <input aria-label={t('pool.settings.ruleId')} value={r.id} onChange={(e) => set({ rules: f.rules.map((x, j) => (j === i ? { ...x, id: e.target.value } : x)) })} style={{ width: '8rem' }} />
                <input aria-label={t('pool.settings.ruleLabelEn')} placeholder="English" value={r.en} onChange={(e) => set({ rules: f.rules.map((x, j) => (j === i ? { ...x, en: e.target.value } : x)) })} style={{ width: '9rem' }} />
                <input aria-label={t('pool.settings.ruleLabelZh')} placeholder="中文" value={r.zh} onChange={(e) => set({ rules: f.rules.map((x, j) => (j === i ? { ...x, zh: e.target.value } : x)) })} style={{ width: '7rem' }} />
                <select aria-label={t('pool.settings.measure')} value={r.measure} onChange={(e) => set({ rules: f.rules.map((x, j) => (j === i ? { ...x, measure: e.target.value } : x)) })}>
                  {MEASURES.map((m) => (
                    <option key={m} value={m}>
                      {t(`pool.measure.${m}`)}
                    </option>
                  ))}
                </select>
                <input aria-label={t('pool.settings.limit')} value={r.limit} onChange={(e) => set({ rules: f.rules.map((x, j) => (j === i ? { ...x, limit: e.target.value } : x)) })} style={{ flex: '1 1 12rem', fontFamily: 'monospace' }} />
                <button type="button" onClick={() => set({ rules: f.rules.filter((_, j) => j !== i) })}>
                  {t('pool.settings.removeRule')}
                </button>
              </div>
            ))}
            <button type="button" onClick={() => set({ rules: [...f.rules, { id: `rule_${f.rules.length + 1}`, en: '', zh: '', measure: 'days_since_follow_up', limit: '14' }] })}>
              {t('pool.settings.addRule')}
            </button>
          </fieldset>
          <div>
            <button type="button" className="primary" onClick={save} disabled={busy || !f.name.trim()}>
              {t('pool.settings.save')}
            </button>
          </div>
          {message && (
            <p className={message.ok ? 'muted' : 'form-alert'} role={message.ok ? 'status' : 'alert'}>
              {message.text}
            </p>
          )}
        </form>
      </ui.Panel>
    );
  }

  return function PoolPage() {
    const t = useT();
    const lang = useLanguage();
    const [pools, setPools] = React.useState<PoolView[] | null>(null);
    const [admin, setAdmin] = React.useState(false);
    const [selected, setSelected] = React.useState<string>('');
    const [page, setPage] = React.useState<{ items: PoolAccount[]; total: number; me: { held: number; claimsToday: number } | null } | null>(null);
    const [units, setUnits] = React.useState<Unit[]>([]);
    const [message, setMessage] = React.useState<{ ok: boolean; text: string } | null>(null);
    const [busy, setBusy] = React.useState<string | null>(null);
    const [creating, setCreating] = React.useState(false);
    const [tick, setTick] = React.useState(0);
    const [offset, setOffset] = React.useState(0);
    const [kind, setKind] = React.useState<'accounts' | 'leads'>('accounts');
    const [leads, setLeads] = React.useState<LeadPage | null>(null);
    // Whether the pools hold leads too (the handoff plugin answers the leads route).
    const [withLeads, setWithLeads] = React.useState(false);
    React.useEffect(() => {
      const ctrl = new AbortController();
      api
        .request<{ items: PoolView[]; admin: boolean }>('GET', '/api/plugins/crm/pool/pools', { signal: ctrl.signal })
        .then((r) => {
          setPools(r.items);
          setAdmin(r.admin);
          setSelected((s) => (s && r.items.some((p) => p.id === s) ? s : (r.items.find((p) => p.member)?.id ?? r.items[0]?.id ?? '')));
          if (r.admin) api.request<{ items: Unit[] }>('GET', '/api/org-units', { signal: ctrl.signal }).then((u) => setUnits(u.items)).catch(() => undefined);
        })
        .catch((err: unknown) => !ctrl.signal.aborted && setMessage({ ok: false, text: messageOf(err) }));
      return () => ctrl.abort();
    }, [tick]);
    React.useEffect(() => {
      if (!selected) return;
      const ctrl = new AbortController();
      setPage(null);
      api
        .request<{ items: PoolAccount[]; total: number; me: { held: number; claimsToday: number } | null }>('GET', `/api/plugins/crm/pool/pools/${selected}/accounts?limit=${PAGE}&offset=${offset}`, { signal: ctrl.signal })
        .then(setPage)
        .catch((err: unknown) => !ctrl.signal.aborted && setMessage({ ok: false, text: messageOf(err) }));
      return () => ctrl.abort();
    }, [selected, tick, offset]);
    React.useEffect(() => {
      if (!selected) return;
      const ctrl = new AbortController();
      setLeads(null);
      api
        .request<LeadPage>('GET', `/api/plugins/handoff/pool/pools/${selected}/leads?limit=${PAGE}&offset=${kind === 'leads' ? offset : 0}`, { signal: ctrl.signal })
        .then((r) => {
          setLeads(r);
          setWithLeads(true);
        })
        .catch(() => !ctrl.signal.aborted && setWithLeads(false));
      return () => ctrl.abort();
    }, [selected, tick, offset, kind]);
    const pool = pools?.find((p) => p.id === selected) ?? null;
    const claimLead = async (l: PoolLead) => {
      setBusy(l.id);
      setMessage(null);
      try {
        await api.request('POST', `/api/plugins/handoff/pool/leads/${l.id}/claim`);
        setMessage({ ok: true, text: t('pool.leadClaimed', { name: l.company }) });
        setTick((n) => n + 1);
      } catch (err) {
        setMessage({ ok: false, text: messageOf(err) });
      } finally {
        setBusy(null);
      }
    };
    const claim = async (a: PoolAccount) => {
      setBusy(a.id);
      setMessage(null);
      try {
        await api.request('POST', `/api/plugins/crm/pool/accounts/${a.id}/claim`);
        setMessage({ ok: true, text: t('pool.claimed', { name: a.name }) });
        setTick((n) => n + 1);
      } catch (err) {
        setMessage({ ok: false, text: messageOf(err) });
      } finally {
        setBusy(null);
      }
    };
    return (
      <div data-testid="crm-pool">
        <div className="page-head">
          <h1>{t('pool.title')}</h1>
        </div>
        <p className="muted">{t('pool.help')}</p>
        {pools && pools.length === 0 && <p>{t('pool.none')}</p>}
        {pools && pools.length > 0 && (
          <div role="tablist" aria-label={t('pool.pools')} style={{ display: 'flex', gap: '0.4rem', flexWrap: 'wrap', marginBottom: '0.8rem' }}>
            {pools.map((p) => (
              <button
                key={p.id}
                type="button"
                role="tab"
                aria-selected={p.id === selected}
                className={p.id === selected ? 'primary' : undefined}
                onClick={() => {
                  setSelected(p.id);
                  setOffset(0);
                  setCreating(false);
                  setMessage(null);
                }}
              >
                {poolTitle(p, lang)} ({p.pooled ?? 0})
              </button>
            ))}
            {admin && (
              <button type="button" onClick={() => setCreating(true)}>
                {t('pool.settings.new')}
              </button>
            )}
          </div>
        )}
        {message && (
          <p className={message.ok ? 'muted' : 'form-alert'} role={message.ok ? 'status' : 'alert'} data-testid="pool-message">
            {message.text}
          </p>
        )}
        {pool && !creating && withLeads && (
          <div role="radiogroup" aria-label={t('pool.kinds')} data-testid="pool-kind" style={{ display: 'flex', gap: '0.4rem', marginBottom: '0.6rem' }}>
            {(['accounts', 'leads'] as const).map((k) => (
              <button
                key={k}
                type="button"
                role="radio"
                aria-checked={kind === k}
                className={kind === k ? 'primary' : undefined}
                onClick={() => {
                  setKind(k);
                  setOffset(0);
                  setMessage(null);
                }}
              >
                {t(`pool.kind.${k}`)} ({k === 'accounts' ? (pool.pooled ?? 0) : (leads?.total ?? '…')})
              </button>
            ))}
          </div>
        )}
        {pool && !creating && kind === 'leads' && withLeads && <PoolLeads pool={pool} leads={leads} offset={offset} pageSize={PAGE} busy={busy !== null} onClaim={claimLead} onOffset={setOffset} />}
        {pool && !creating && (kind === 'accounts' || !withLeads) && (
          <section className="panel" data-testid="pool-accounts" data-pool={pool.id}>
            <p data-testid="pool-rules-summary" style={{ marginTop: 0 }}>
              {t('pool.rules', { held: pool.maxHeld, daily: pool.maxClaimsPerDay, cooldown: pool.cooldownDays })}
              {page?.me && pool.member ? ` ${t('pool.mine', { held: page.me.held, claims: page.me.claimsToday })}` : ''}
            </p>
            {!page && <p className="muted">{t('pool.loading')}</p>}
            {page && page.items.length === 0 && <p>{t('pool.empty')}</p>}
            {page && page.items.length > 0 && (
              <table style={{ width: '100%' }}>
                <thead>
                  <tr>
                    <th style={{ textAlign: 'left' }}>{t('pool.col.account')}</th>
                    <th style={{ textAlign: 'left' }}>{t('pool.col.grade')}</th>
                    <th style={{ textAlign: 'left' }}>{t('pool.col.history')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((a) => (
                    <tr key={a.id} data-account={a.name} style={{ verticalAlign: 'top' }}>
                      <td>
                        <ui.Link href={`/records/crm.account/${a.id}`}>{a.name}</ui.Link>
                      </td>
                      <td>{a.grade ?? '—'}</td>
                      <td>
                        <StintList history={a.history} />
                      </td>
                      <td style={{ textAlign: 'right' }}>
                        {pool.member && (
                          <button type="button" className="primary" onClick={() => claim(a)} disabled={busy !== null}>
                            {t('pool.claim')}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {page && page.total > PAGE && (
              <p className="muted" data-testid="pool-pager">
                {t('pool.more', { from: offset + 1, to: offset + page.items.length, total: page.total })}{' '}
                <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                  {t('pool.previous')}
                </button>{' '}
                <button type="button" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
                  {t('pool.next')}
                </button>
              </p>
            )}
          </section>
        )}
        {admin && (creating || pool) && (
          <Settings
            pool={creating ? null : pool}
            units={units}
            onSaved={(id) => {
              setCreating(false);
              setSelected(id);
              setTick((n) => n + 1);
            }}
          />
        )}
      </div>
    );
  };
}
