import type { StudioHost } from '@pipewright/plugin-sdk/studio';

/** A check-in on the map: where, who, in which order of the rep's day. */
export interface MapPoint {
  rep: string;
  repName: string;
  label: string;
  latitude: number;
  longitude: number;
  order: number;
}

/** A colour per rep (the same order as the list). */
export const REP_COLOURS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d'];

/**
 * Where the points go on a `width` x `height` plot: longitude to x, latitude to y (north up), an
 * equirectangular projection scaled by the cosine of the middle latitude so distances look alike
 * both ways, with a margin; a single point (or all at one place) sits in the middle.
 *
 * @example
 * ```ts
 * project([{ latitude: 31.23, longitude: 121.47 }], 400, 300, 30); // [{ x: 200, y: 150 }]
 * ```
 */
export function project(points: readonly { latitude: number; longitude: number }[], width: number, height: number, margin: number): { x: number; y: number }[] {
  if (points.length === 0) return [];
  const lats = points.map((p) => p.latitude);
  const lons = points.map((p) => p.longitude);
  const mid = ((Math.min(...lats) + Math.max(...lats)) / 2) * (Math.PI / 180);
  const xs = lons.map((l) => l * Math.cos(mid));
  const spanX = Math.max(...xs) - Math.min(...xs);
  const spanY = Math.max(...lats) - Math.min(...lats);
  const scale = Math.min(spanX > 0 ? (width - 2 * margin) / spanX : Infinity, spanY > 0 ? (height - 2 * margin) / spanY : Infinity);
  const k = Number.isFinite(scale) ? scale : 0;
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...lats) + Math.max(...lats)) / 2;
  return points.map((_, i) => ({ x: width / 2 + ((xs[i] as number) - cx) * k, y: height / 2 - ((lats[i] as number) - cy) * k }));
}

/**
 * The manager's map of a day's visits, drawn without tiles or geocoding (no network): each
 * check-in a numbered dot at its longitude and latitude, a rep's dots joined in the order of his
 * day, one colour per rep with a legend, and the corners' coordinates on the axes.
 */
export function visitsMap({ React, useT, useLanguage }: StudioHost) {
  return function VisitsMap({ points }: { points: MapPoint[] }) {
    const t = useT();
    const language = useLanguage();
    if (points.length === 0) return <p className="muted" data-testid="visits-map-empty">{t('visits.map.none')}</p>;
    const W = 420;
    const H = 320;
    // Check-ins at one place (a rep back at an account, two reps together) are nudged apart around it.
    const at = project(points, W, H, 36).map((xy, i, all) => {
      const before = all.slice(0, i).filter((o) => Math.hypot(o.x - xy.x, o.y - xy.y) < 6).length;
      if (before === 0) return xy;
      const angle = (before - 1) * (Math.PI / 3);
      return { x: xy.x + 14 * Math.cos(angle), y: xy.y + 14 * Math.sin(angle) };
    });
    const reps = [...new Set(points.map((p) => p.rep))];
    const colour = (rep: string) => REP_COLOURS[reps.indexOf(rep) % REP_COLOURS.length] as string;
    const deg = (n: number) => new Intl.NumberFormat(language, { maximumFractionDigits: 4 }).format(n);
    const lat = points.map((p) => p.latitude);
    const lon = points.map((p) => p.longitude);
    return (
      <figure style={{ margin: 0 }} data-testid="visits-map">
        <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={t('visits.map.title')} style={{ maxWidth: `${W}px`, background: '#f8fafc', border: '1px solid #e2e8f0', borderRadius: 6 }}>
          <title>{t('visits.map.title')}</title>
          {reps.map((rep) => {
            const mine = points.map((p, i) => ({ p, xy: at[i] as { x: number; y: number } })).filter((x) => x.p.rep === rep).sort((a, b) => a.p.order - b.p.order);
            return (
              <g key={rep} data-rep={rep}>
                {mine.length > 1 && <polyline points={mine.map((m) => `${m.xy.x.toFixed(1)},${m.xy.y.toFixed(1)}`).join(' ')} fill="none" stroke={colour(rep)} strokeWidth={1.5} strokeDasharray="4 3" />}
                {mine.map((m) => (
                  <g key={`${m.p.order}`} data-testid="visits-map-point" data-rep={rep} data-x={m.xy.x.toFixed(1)} data-y={m.xy.y.toFixed(1)}>
                    <circle cx={m.xy.x} cy={m.xy.y} r={9} fill={colour(rep)} stroke="#fff" strokeWidth={1.5}>
                      <title>{`${m.p.repName} · ${m.p.order}. ${m.p.label} (${deg(m.p.latitude)}, ${deg(m.p.longitude)})`}</title>
                    </circle>
                    <text x={m.xy.x} y={m.xy.y + 3.5} textAnchor="middle" fontSize={10} fill="#fff" fontWeight={600}>
                      {m.p.order}
                    </text>
                  </g>
                ))}
              </g>
            );
          })}
          <text x={6} y={H - 6} fontSize={9} fill="#64748b">{`${t('visits.map.lat')} ${deg(Math.min(...lat))} … ${deg(Math.max(...lat))}`}</text>
          <text x={W - 6} y={H - 6} fontSize={9} fill="#64748b" textAnchor="end">{`${t('visits.map.lon')} ${deg(Math.min(...lon))} … ${deg(Math.max(...lon))}`}</text>
        </svg>
        <figcaption style={{ display: 'flex', gap: '0.8rem', flexWrap: 'wrap', marginTop: '0.4rem' }} data-testid="visits-map-legend">
          {reps.map((rep) => (
            <span key={rep}>
              <span aria-hidden="true" style={{ display: 'inline-block', width: 10, height: 10, borderRadius: 5, background: colour(rep), marginRight: 4 }} />
              {points.find((p) => p.rep === rep)?.repName}
            </span>
          ))}
        </figcaption>
        <p className="muted" style={{ fontSize: '0.85rem' }}>{t('visits.map.help')}</p>
      </figure>
    );
  };
}
