import type { StudioHost } from '@pipewright/plugin-sdk/studio';
import { dayWindow, formatKm, formatMinutes, localDay, type VisitView } from './field-visits';
import { visitsMap, type MapPoint } from './VisitsMap';

interface Day {
  reps: { rep: { id: string | null; name: string | null }; visits: VisitView[]; totalMinutes: number }[];
}

/**
 * The manager's list of a day's visits per rep (`/p/crm/visits`): for each rep of his part of the
 * organisation, the visits with the account, check-in and check-out times, time on site and the
 * distance from the account (flagged beyond the reason limit), and the total time on site; beside
 * it, the map of the day's check-ins per rep (a plot of longitude and latitude, no tiles).
 */
export function teamVisitsPage(host: StudioHost) {
  const { React, api, useT, useLanguage, ui } = host;
  const VisitsMap = visitsMap(host);
  return function TeamVisitsPage() {
    const t = useT();
    const language = useLanguage();
    const [day, setDay] = React.useState(() => localDay(new Date()));
    const [data, setData] = React.useState<Day | null>(null);
    const [limit, setLimit] = React.useState(1);
    const [error, setError] = React.useState<string | null>(null);
    React.useEffect(() => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
      const ctrl = new AbortController();
      const { from, to } = dayWindow(day);
      setData(null);
      setError(null);
      Promise.all([
        api.request<Day>('GET', `/api/plugins/crm/visits?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { signal: ctrl.signal }),
        api.request<{ reasonOverKm: number }>('GET', '/api/plugins/crm/visits/open', { signal: ctrl.signal }),
      ])
        .then(([d, o]) => {
          setData(d);
          setLimit(o.reasonOverKm);
        })
        .catch((err: unknown) => !ctrl.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
      return () => ctrl.abort();
    }, [day]);
    const points: MapPoint[] = (data?.reps ?? []).flatMap((g) =>
      [...g.visits]
        .filter((v) => typeof v.checkin?.latitude === 'number' && typeof v.checkin?.longitude === 'number')
        .sort((a, b) => String(a.checkinAt).localeCompare(String(b.checkinAt)))
        .map((v, i) => ({ rep: g.rep.id ?? '', repName: g.rep.name ?? t('visits.norep'), label: v.account?.name ?? v.subject, latitude: v.checkin?.latitude as number, longitude: v.checkin?.longitude as number, order: i + 1 })),
    );
    const time = (iso: string | null) => (iso ? new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' }).format(new Date(iso)) : '—');
    return (
      <div className="page" data-testid="team-visits">
        <h1>{t('visits.title')}</h1>
        <p>
          <label htmlFor="visits-day">{t('visits.day')}</label>{' '}
          <input id="visits-day" type="date" value={day} onChange={(e) => setDay(e.target.value)} />
        </p>
        {error && (
          <p role="alert" className="field-error">
            {error}
          </p>
        )}
        {!data && !error && <p className="muted">{t('visits.loading')}</p>}
        {data && data.reps.length === 0 && <p className="muted" data-testid="visits-empty">{t('visits.empty')}</p>}
        <div style={{ display: 'flex', gap: '1.5rem', alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <div style={{ flex: '1 1 32rem', minWidth: 0 }}>
        {data?.reps.map((group) => (
          <section key={group.rep.id ?? 'none'} data-testid="visits-rep" data-rep={group.rep.id ?? ''} style={{ marginBottom: '1.5rem' }}>
            <h2 style={{ fontSize: '1.1rem' }}>
              {group.rep.name ?? t('visits.norep')} <span className="muted">· {t('visits.summary', { n: group.visits.length, time: formatMinutes(group.totalMinutes, language) })}</span>
            </h2>
            <table className="table">
              <thead>
                <tr>
                  <th>{t('visits.col.account')}</th>
                  <th>{t('visits.col.in')}</th>
                  <th>{t('visits.col.out')}</th>
                  <th>{t('visits.col.duration')}</th>
                  <th>{t('visits.col.distance')}</th>
                  <th>{t('visits.col.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {group.visits.map((v) => (
                  <tr key={v.id} data-testid="visits-row">
                    <td>{v.account ? <ui.Link href={`/records/crm.account/${v.account.id}`}>{v.account.name}</ui.Link> : v.subject}</td>
                    <td>{time(v.checkinAt)}</td>
                    <td>{v.checkoutAt ? time(v.checkoutAt) : t('visits.onsite')}</td>
                    <td data-testid="visits-duration">{v.durationMinutes === null ? '—' : formatMinutes(v.durationMinutes, language)}</td>
                    <td data-testid="visits-distance" className={v.distanceKm !== null && v.distanceKm > limit ? 'field-error' : undefined}>
                      {v.distanceKm === null ? t('visit.distance.unknown') : formatKm(v.distanceKm, language)}
                    </td>
                    <td>{v.reason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
        </div>
        {data && data.reps.length > 0 && (
          <aside style={{ flex: '0 1 420px', minWidth: '16rem' }} aria-label={t('visits.map.title')}>
            <h2 style={{ fontSize: '1.1rem', marginTop: 0 }}>{t('visits.map.title')}</h2>
            <VisitsMap points={points} />
          </aside>
        )}
        </div>
      </div>
    );
  };
}
