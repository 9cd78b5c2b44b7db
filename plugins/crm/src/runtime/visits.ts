import { NotFoundError, PipewrightError, ValidationError, type PluginRecord, type PluginRoute, type PluginServices } from '@pipewright/plugin-sdk';
import { haversineKm, isLatitude, isLongitude, roundKm } from './geo';

const ACCOUNT = 'crm.account';
const ACTIVITY = 'crm.activity';

/** A browser position as the check-in and check-out routes accept it (GeolocationPosition's coords and timestamp). */
const POSITION = {
  type: 'object',
  required: ['latitude', 'longitude', 'accuracy'],
  additionalProperties: false,
  properties: {
    latitude: { type: 'number', minimum: -90, maximum: 90 },
    longitude: { type: 'number', minimum: -180, maximum: 180 },
    accuracy: { type: 'number', minimum: 0, maximum: 1_000_000, description: 'Radius of 95% confidence in metres.' },
    timestamp: { type: 'string', format: 'date-time', description: 'When the device fixed the position.' },
  },
};

const FIX = { properties: { latitude: { type: 'number' }, longitude: { type: 'number' }, accuracy_m: { type: 'number' }, fix_at: { type: 'string' }, at: { type: 'string' } } };
const VISIT = {
  type: 'object',
  required: ['id', 'subject', 'account', 'rep', 'checkinAt', 'checkoutAt', 'durationMinutes', 'distanceKm'],
  properties: {
    id: { type: 'string' },
    subject: { type: 'string' },
    account: { type: ['object', 'null'], properties: { id: { type: 'string' }, name: { type: 'string' }, located: { type: 'boolean' } } },
    rep: { type: ['object', 'null'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
    checkinAt: { type: ['string', 'null'] },
    checkoutAt: { type: ['string', 'null'] },
    durationMinutes: { type: ['integer', 'null'] },
    distanceKm: { type: ['number', 'null'] },
    accuracyM: { type: ['number', 'null'] },
    reason: { type: ['string', 'null'] },
    outcome: { type: ['string', 'null'] },
    checkin: { type: ['object', 'null'], ...FIX },
    checkout: { type: ['object', 'null'], ...FIX },
  },
};

export interface VisitView {
  id: string;
  subject: string;
  account: { id: string; name: string; located: boolean } | null;
  rep: { id: string; name: string } | null;
  checkinAt: string | null;
  checkoutAt: string | null;
  durationMinutes: number | null;
  distanceKm: number | null;
  accuracyM: number | null;
  reason: string | null;
  outcome: string | null;
  checkin: Record<string, unknown> | null;
  checkout: Record<string, unknown> | null;
}

interface Fix {
  latitude: number;
  longitude: number;
  accuracy_m: number;
  fix_at?: string;
  at: string;
}

const obj = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The plugin's limits for visits (config, with defaults when a test passes none). */
function limits(s: PluginServices): { reasonOverKm: number; maxAccuracyM: number } {
  return { reasonOverKm: Number(s.config.visit_reason_over_km ?? 1), maxAccuracyM: Number(s.config.visit_max_accuracy_m ?? 2000) };
}

/** A checked position from a request body, or a 422 naming the member. */
function fixOf(s: PluginServices, body: Record<string, unknown>, now: Date): Fix {
  const p = obj(body.position);
  if (!p || !isLatitude(p.latitude) || !isLongitude(p.longitude) || typeof p.accuracy !== 'number') {
    throw new ValidationError({ code: 'crm.visit-position', message: 'The position is missing or not a valid latitude, longitude and accuracy.', details: [{ pointer: '/position', message: 'a latitude, longitude and accuracy are required' }] });
  }
  const { maxAccuracyM } = limits(s);
  if (p.accuracy > maxAccuracyM) {
    throw new ValidationError({ code: 'crm.visit-imprecise', message: `The position is too imprecise (±${Math.round(p.accuracy)} m; at most ±${maxAccuracyM} m). Move outdoors or turn on precise location and try again.`, details: [{ pointer: '/position/accuracy', message: `at most ${maxAccuracyM} m` }] });
  }
  return { latitude: p.latitude, longitude: p.longitude, accuracy_m: Math.round(p.accuracy * 10) / 10, ...(typeof p.timestamp === 'string' ? { fix_at: new Date(p.timestamp).toISOString() } : {}), at: now.toISOString() };
}

/** The account's stored coordinates, when it has both. */
export function accountPoint(account: PluginRecord | null): { lat: number; lon: number } | null {
  if (!account) return null;
  const { latitude, longitude } = account.data;
  return isLatitude(latitude) && isLongitude(longitude) ? { lat: latitude, lon: longitude } : null;
}

/** The distance from a check-in position to the account, rounded to metres, or null when the account has no coordinates. */
export function visitDistance(fix: { latitude: number; longitude: number }, account: PluginRecord | null): number | null {
  const at = accountPoint(account);
  return at ? roundKm(haversineKm(fix.latitude, fix.longitude, at.lat, at.lon)) : null;
}

/** A visit activity as the pages show it; `names` resolves accounts and reps. */
export function visitView(r: PluginRecord, account: PluginRecord | null, repName: string | null): VisitView {
  const checkin = obj(r.data.checkin);
  const checkout = obj(r.data.checkout);
  return {
    id: r.id,
    subject: String(r.data.subject ?? ''),
    account: account ? { id: account.id, name: String(account.data.name ?? ''), located: accountPoint(account) !== null } : null,
    rep: r.owner ? { id: r.owner, name: repName ?? r.owner } : null,
    checkinAt: str(checkin?.at) ?? str(r.data.occurred_at),
    checkoutAt: str(checkout?.at),
    durationMinutes: numOrNull(r.data.duration_minutes),
    distanceKm: numOrNull(r.data.distance_km),
    accuracyM: numOrNull(checkin?.accuracy_m),
    reason: str(r.data.distance_reason),
    outcome: str(r.data.outcome),
    checkin,
    checkout,
  };
}

async function viewOf(s: PluginServices, r: PluginRecord): Promise<VisitView> {
  const accountId = str(r.data.account_id);
  const [account, rep] = await Promise.all([accountId ? s.records.get(ACCOUNT, accountId) : null, r.owner ? s.directory.user(r.owner) : null]);
  return visitView(r, account, rep?.name ?? null);
}

/** The caller's visit that is checked in and not yet out, newest first. */
async function openVisit(s: PluginServices): Promise<PluginRecord | null> {
  if (!s.caller.userId) return null;
  const page = await s.records.list(ACTIVITY, { filter: { kind: 'visit', done: false, owner: s.caller.userId }, sort: '-occurred_at', limit: 50 });
  return page.items.find((r) => obj(r.data.checkin) && !obj(r.data.checkout)) ?? null;
}

/** `POST /visits/check-in`: a visit activity for the account, with the position and its distance to the account. */
const checkIn: PluginRoute = {
  method: 'post',
  path: '/visits/check-in',
  summary: 'Checks in at a customer visit (外勤签到) with the browser\'s position',
  description: 'Creates a visit activity (not done yet) owned by the caller, linked to the account, with the position, its accuracy and time, and the distance in km from the account\'s coordinates (haversine; null when the account has none). One open visit per rep: check out first.',
  body: {
    type: 'object',
    required: ['account_id', 'position'],
    additionalProperties: false,
    properties: { account_id: { type: 'string', format: 'uuid' }, position: POSITION, subject: { type: 'string', minLength: 1, maxLength: 200 } },
  },
  status: 201,
  response: VISIT,
  async handler(ctx) {
    if (!ctx.caller.userId) throw new PipewrightError({ code: 'forbidden', status: 403, kind: 'user', message: 'Only a person can check in at a visit.' });
    const account = await ctx.records.get(ACCOUNT, String(ctx.body.account_id));
    if (!account) throw new ValidationError({ code: 'crm.visit-account', message: 'There is no account with this id that you may see.', details: [{ pointer: '/account_id', message: 'no such account' }] });
    const open = await openVisit(ctx);
    if (open) {
      throw new PipewrightError({ code: 'crm.visit-open', status: 409, kind: 'user', message: `You are still checked in at "${String(open.data.subject)}"; check out first.`, details: [{ pointer: '/account_id', message: 'another visit is open' }], extensions: { visit: open.id } });
    }
    const now = ctx.clock.now();
    const fix = fixOf(ctx, ctx.body, now);
    const distance = visitDistance(fix, account);
    const subject = typeof ctx.body.subject === 'string' ? ctx.body.subject : `Visit: ${String(account.data.name ?? '')}`.slice(0, 200);
    const data: Record<string, unknown> = { kind: 'visit', subject, account_id: account.id, done: false, occurred_at: now.toISOString(), checkin: fix };
    if (distance !== null) data.distance_km = distance;
    const created = await ctx.records.create(ACTIVITY, { data, owner: ctx.caller.userId });
    return viewOf(ctx, created);
  },
};

/** `POST /visits/:id/check-out`: closes the caller's visit with the position and the duration. */
const checkOut: PluginRoute = {
  method: 'post',
  path: '/visits/:id/check-out',
  summary: 'Checks out of a visit: the position, the duration, and a reason when it was far from the account',
  description: 'Marks the visit done with the check-out position and the duration in minutes since check-in. A visit whose check-in was farther from the account than the limit (config visit_reason_over_km, default 1 km) needs a reason (422 naming /reason).',
  body: {
    type: 'object',
    required: ['position'],
    additionalProperties: false,
    properties: { position: POSITION, reason: { type: 'string', maxLength: 500 }, outcome: { type: 'string', maxLength: 2000 } },
  },
  response: VISIT,
  async handler(ctx) {
    const visit = await ctx.records.get(ACTIVITY, ctx.params.id ?? '');
    if (!visit || visit.data.kind !== 'visit') throw new NotFoundError('There is no visit with this id that you may see.');
    if (visit.owner !== ctx.caller.userId) throw new PipewrightError({ code: 'forbidden', status: 403, kind: 'user', message: 'Only the rep who checked in may check out of a visit.' });
    const checkin = obj(visit.data.checkin);
    if (!checkin) throw new PipewrightError({ code: 'crm.visit-not-checked-in', status: 409, kind: 'user', message: 'This visit was logged without a check-in; there is nothing to check out of.' });
    if (obj(visit.data.checkout)) throw new PipewrightError({ code: 'crm.visit-checked-out', status: 409, kind: 'user', message: 'This visit is already checked out.' });
    const now = ctx.clock.now();
    const fix = fixOf(ctx, ctx.body, now);
    const reason = typeof ctx.body.reason === 'string' ? ctx.body.reason.trim() : '';
    const distance = numOrNull(visit.data.distance_km);
    const { reasonOverKm } = limits(ctx);
    if (distance !== null && distance > reasonOverKm && reason === '') {
      throw new ValidationError({ code: 'crm.visit-reason-required', message: `You checked in ${distance} km from the account (more than ${reasonOverKm} km): give a reason.`, details: [{ pointer: '/reason', message: `required when the check-in was more than ${reasonOverKm} km from the account` }], extensions: { distanceKm: distance, limitKm: reasonOverKm } });
    }
    const started = Date.parse(String(checkin.at));
    const minutes = Math.min(1440, Math.max(0, Math.round((now.getTime() - started) / 60_000)));
    const patch: Record<string, unknown> = { done: true, checkout: fix, duration_minutes: minutes };
    if (reason) patch.distance_reason = reason;
    if (typeof ctx.body.outcome === 'string' && ctx.body.outcome.trim()) patch.outcome = ctx.body.outcome.trim();
    const updated = await ctx.records.update(ACTIVITY, visit.id, { data: patch }, { expectedVersion: visit.version });
    return viewOf(ctx, updated);
  },
};

/** `GET /visits/open`: the caller's open visit (checked in, not out), or null. */
const open: PluginRoute = {
  method: 'get',
  path: '/visits/open',
  summary: 'The caller\'s visit that is checked in and not yet checked out',
  response: { type: 'object', required: ['visit', 'reasonOverKm'], properties: { visit: { anyOf: [VISIT, { type: 'null' }] }, reasonOverKm: { type: 'number' } } },
  async handler(ctx) {
    const r = await openVisit(ctx);
    return { visit: r ? await viewOf(ctx, r) : null, reasonOverKm: limits(ctx).reasonOverKm };
  },
};

const DAY_MS = 86_400_000;

/** `GET /visits?from&to`: visits in a time window, by rep, as the caller may see them (managers and admins). */
const byRep: PluginRoute = {
  method: 'get',
  path: '/visits',
  summary: 'Visits in a time window (e.g. today in the reader\'s time zone) per rep, with distance and duration',
  description: 'Visit activities whose check-in (or occurred_at) lies in [from, to), grouped by owner, among the records the caller may see: a manager sees his part of the organisation. At most 7 days.',
  roles: ['manager', 'admin'],
  query: {
    from: { type: 'string', format: 'date-time', required: true },
    to: { type: 'string', format: 'date-time', required: true },
  },
  response: {
    type: 'object',
    required: ['from', 'to', 'reps'],
    properties: {
      from: { type: 'string' },
      to: { type: 'string' },
      reps: { type: 'array', items: { type: 'object', required: ['rep', 'visits', 'totalMinutes'], properties: { rep: { type: 'object' }, visits: { type: 'array', items: VISIT }, totalMinutes: { type: 'integer' } } } },
    },
  },
  async handler(ctx) {
    const from = Date.parse(ctx.query.from ?? '');
    const to = Date.parse(ctx.query.to ?? '');
    if (!(to > from) || to - from > 7 * DAY_MS) {
      throw new ValidationError({ code: 'query.invalid', status: 400, message: '"to" must be after "from", at most 7 days later.', details: [{ pointer: '', parameter: 'to', message: 'must be after from, at most 7 days later', code: 'invalid-parameter' }] });
    }
    const found: PluginRecord[] = [];
    let cursor: string | undefined;
    outer: do {
      const page = await ctx.records.list(ACTIVITY, { filter: { kind: 'visit' }, sort: '-occurred_at', limit: 200, ...(cursor ? { cursor } : {}) });
      for (const r of page.items) {
        const at = Date.parse(String(r.data.occurred_at ?? ''));
        if (Number.isNaN(at)) continue;
        if (at < from) break outer;
        if (at < to) found.push(r);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const accounts = new Map<string, PluginRecord | null>();
    // one read for the accounts and one for the people, however many visits there are
    const accountIds = [...new Set(found.map((r) => str(r.data.account_id)).filter((x): x is string => x !== null))];
    if (accountIds.length > 0) for (const a of await ctx.records.getMany(ACCOUNT, accountIds)) accounts.set(a.id, a);
    const owners = [...new Set(found.map((r) => r.owner).filter((x): x is string => x !== null))];
    const people = new Map<string, string>(owners.map((id) => [id, id]));
    if (owners.length > 0) for (const u of await ctx.directory.users({ ids: owners, includeInactive: true })) people.set(u.id, u.name);
    const groups = new Map<string, VisitView[]>();
    for (const r of found.reverse()) {
      const v = visitView(r, accounts.get(String(r.data.account_id)) ?? null, r.owner ? (people.get(r.owner) ?? null) : null);
      const key = r.owner ?? '';
      groups.set(key, [...(groups.get(key) ?? []), v]);
    }
    const reps = [...groups.entries()]
      .map(([id, visits]) => ({ rep: { id: id || null, name: id ? (people.get(id) ?? id) : null }, visits, totalMinutes: visits.reduce((n, v) => n + (v.durationMinutes ?? 0), 0) }))
      .sort((a, b) => String(a.rep.name ?? '').localeCompare(String(b.rep.name ?? '')));
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), reps };
  },
};

/** The field-visit (外勤签到) routes of the crm plugin. */
export const visitRoutes: PluginRoute[] = [checkIn, checkOut, open, byRep];
