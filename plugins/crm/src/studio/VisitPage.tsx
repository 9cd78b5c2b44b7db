import type { StudioHost } from '@pipewright/plugin-sdk/studio';
import { formatKm, formatMinutes, geoErrorKey, minutesBetween, problemKey, toVisitPosition, type VisitPosition, type VisitView } from './field-visits';

interface AccountOption {
  id: string;
  name: string;
}

/** The browser's current position, or an Error whose message is a message key. */
function currentPosition(): Promise<VisitPosition> {
  return new Promise((resolve, reject) => {
    if (typeof navigator === 'undefined' || !navigator.geolocation) {
      reject(new Error(geoErrorKey(null)));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => {
        const pos = toVisitPosition(p);
        if (pos) resolve(pos);
        else reject(new Error('visit.geo.invalid'));
      },
      (err) => reject(new Error(geoErrorKey(err.code))),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 0 },
    );
  });
}

/**
 * The rep's phone page for a customer visit (`/p/crm/visit`, 外勤签到): pick an account and
 * check in with the phone's position; the page then shows the account, the distance from its
 * coordinates and the time on site, and checks out (with a reason when the check-in was far).
 * `?account=<id>` preselects the account (the account page links here).
 */
export function visitPage({ React, api, useT, useLanguage }: StudioHost) {
  return function VisitPage() {
    const t = useT();
    const language = useLanguage();
    const [visit, setVisit] = React.useState<VisitView | null>(null);
    const [reasonOverKm, setReasonOverKm] = React.useState(1);
    const [loaded, setLoaded] = React.useState(false);
    const [query, setQuery] = React.useState('');
    const [options, setOptions] = React.useState<AccountOption[]>([]);
    const [accountId, setAccountId] = React.useState('');
    const [reason, setReason] = React.useState('');
    const [outcome, setOutcome] = React.useState('');
    const [busy, setBusy] = React.useState(false);
    const [error, setError] = React.useState<string | null>(null);
    const [done, setDone] = React.useState<VisitView | null>(null);
    const [tick, setTick] = React.useState(() => new Date());

    const explain = (err: unknown): string => {
      const problem = (err as { problem?: { code?: string; errors?: { pointer?: string }[]; distanceKm?: number; limitKm?: number } }).problem;
      const key = problemKey(problem?.code);
      if (key) return t(key, { distance: formatKm(problem?.distanceKm ?? 0, language), limit: formatKm(problem?.limitKm ?? reasonOverKm, language), field: problem?.errors?.[0]?.pointer ?? '' });
      const message = err instanceof Error ? err.message : String(err);
      return message.startsWith('visit.geo.') ? t(message) : message;
    };

    React.useEffect(() => {
      const ctrl = new AbortController();
      api
        .request<{ visit: VisitView | null; reasonOverKm: number }>('GET', '/api/plugins/crm/visits/open', { signal: ctrl.signal })
        .then((r) => {
          setVisit(r.visit);
          setReasonOverKm(r.reasonOverKm);
          setLoaded(true);
        })
        .catch((err: unknown) => !ctrl.signal.aborted && (setError(explain(err)), setLoaded(true)));
      const preset = new URLSearchParams(window.location.search).get('account');
      if (preset) {
        api
          .get('crm.account', preset, ctrl.signal)
          .then((r) => {
            setOptions([{ id: r.id, name: String(r.data.name ?? r.id) }]);
            setAccountId(r.id);
          })
          .catch(() => undefined);
      }
      return () => ctrl.abort();
    }, []);

    // Accounts matching what the rep types (his own and those he may see).
    React.useEffect(() => {
      if (query.trim().length < 1) return;
      const ctrl = new AbortController();
      const timer = setTimeout(() => {
        api
          .list('crm.account', { q: query.trim(), limit: 20, sort: 'name' }, ctrl.signal)
          .then((r) => {
            const found = r.items.map((a) => ({ id: a.id, name: String(a.data.name ?? a.id) }));
            setOptions(found);
            setAccountId(found[0]?.id ?? '');
          })
          .catch(() => undefined);
      }, 250);
      return () => {
        clearTimeout(timer);
        ctrl.abort();
      };
    }, [query]);

    // The time on site moves while checked in.
    React.useEffect(() => {
      if (!visit) return;
      const timer = setInterval(() => setTick(new Date()), 15_000);
      return () => clearInterval(timer);
    }, [visit]);

    const run = async (fn: (pos: VisitPosition) => Promise<void>) => {
      setBusy(true);
      setError(null);
      try {
        await fn(await currentPosition());
      } catch (err) {
        setError(explain(err));
      } finally {
        setBusy(false);
        setTick(new Date());
      }
    };
    const checkIn = () =>
      run(async (position) => {
        const v = await api.request<VisitView>('POST', '/api/plugins/crm/visits/check-in', { json: { account_id: accountId, position } });
        setVisit(v);
        setDone(null);
      });
    const checkOut = () =>
      run(async (position) => {
        if (!visit) return;
        const body: Record<string, unknown> = { position };
        if (reason.trim()) body.reason = reason.trim();
        if (outcome.trim()) body.outcome = outcome.trim();
        const v = await api.request<VisitView>('POST', `/api/plugins/crm/visits/${visit.id}/check-out`, { json: body });
        setDone(v);
        setVisit(null);
        setReason('');
        setOutcome('');
      });

    const far = visit?.distanceKm !== null && visit?.distanceKm !== undefined && visit.distanceKm > reasonOverKm;
    const box = { display: 'grid', gap: '0.6rem', maxWidth: '30rem' } as const;
    const big = { padding: '0.9rem', fontSize: '1.1rem', width: '100%' } as const;
    return (
      <div className="page" data-testid="visit-page" style={{ maxWidth: '32rem' }}>
        <h1>{t('visit.title')}</h1>
        {!loaded && <p className="muted">{t('visit.loading')}</p>}
        {done && (
          <p role="status" data-testid="visit-done" className="muted">
            {t('visit.done', { account: done.account?.name ?? done.subject, duration: formatMinutes(done.durationMinutes ?? 0, language) })}
          </p>
        )}
        {loaded && !visit && (
          <div style={box}>
            <label htmlFor="visit-search">{t('visit.search')}</label>
            <input id="visit-search" type="search" value={query} placeholder={t('visit.search.placeholder')} onChange={(e) => setQuery(e.target.value)} />
            <label htmlFor="visit-account">{t('visit.account')}</label>
            <select id="visit-account" value={accountId} onChange={(e) => setAccountId(e.target.value)}>
              {options.length === 0 && <option value="">{t('visit.account.none')}</option>}
              {options.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
            <button type="button" className="primary" style={big} disabled={busy || !accountId} onClick={() => void checkIn()}>
              {busy ? t('visit.locating') : t('visit.checkin')}
            </button>
          </div>
        )}
        {visit && (
          <div style={box} data-testid="visit-open">
            <dl className="field-list" style={{ margin: 0 }}>
              <div className="field-row">
                <dt>{t('visit.account')}</dt>
                <dd data-testid="visit-account">{visit.account?.name ?? visit.subject}</dd>
              </div>
              <div className="field-row">
                <dt>{t('visit.distance')}</dt>
                <dd data-testid="visit-distance">{visit.distanceKm === null ? t('visit.distance.unknown') : formatKm(visit.distanceKm, language)}</dd>
              </div>
              <div className="field-row">
                <dt>{t('visit.onsite')}</dt>
                <dd data-testid="visit-duration">{formatMinutes(visit.checkinAt ? minutesBetween(visit.checkinAt, tick) : 0, language)}</dd>
              </div>
              <div className="field-row">
                <dt>{t('visit.accuracy')}</dt>
                <dd>{visit.accuracyM === null ? '—' : `± ${Math.round(visit.accuracyM)} m`}</dd>
              </div>
            </dl>
            {far && (
              <>
                <p className="field-error" data-testid="visit-far">
                  {t('visit.far', { limit: formatKm(reasonOverKm, language) })}
                </p>
                <label htmlFor="visit-reason">{t('visit.reason')}</label>
                <textarea id="visit-reason" rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
              </>
            )}
            <label htmlFor="visit-outcome">{t('visit.outcome')}</label>
            <textarea id="visit-outcome" rows={3} maxLength={2000} value={outcome} onChange={(e) => setOutcome(e.target.value)} />
            <button type="button" className="primary" style={big} disabled={busy || (far && !reason.trim())} onClick={() => void checkOut()}>
              {busy ? t('visit.locating') : t('visit.checkout')}
            </button>
          </div>
        )}
        {error && (
          <p role="alert" className="field-error" data-testid="visit-error">
            {error}
          </p>
        )}
      </div>
    );
  };
}
