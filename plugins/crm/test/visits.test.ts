import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startServer, TEST_ORG, type TestServer } from '../../../runtime/test/harness';
import { expectJson, move, publish, type Problem, type View } from '../../../runtime/test/process/helpers';

/**
 * Issue 19, 外勤签到: check-in and check-out of a visit with the browser's position, the distance
 * to the account, the duration, the reason a far visit needs, the manager's list of the day's
 * visits per rep, and the `distance_km` operator in a process guard. Every distance is compared
 * with an independent computation (spherical law of cosines, below), not the plugin's haversine.
 */
const SITE_AUDIT = fileURLToPath(new URL('./fixtures/site_audit', import.meta.url));

/** Independent great-circle distance: the spherical law of cosines on the same mean radius. */
function cosineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const c = Math.sin(lat1 * r) * Math.sin(lat2 * r) + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.cos((lon2 - lon1) * r);
  return 6371.0088 * Math.acos(Math.min(1, Math.max(-1, c)));
}

interface Visit {
  id: string;
  account: { id: string; name: string; located: boolean } | null;
  rep: { id: string; name: string } | null;
  checkinAt: string;
  checkoutAt: string | null;
  durationMinutes: number | null;
  distanceKm: number | null;
  accuracyM: number | null;
  reason: string | null;
}
interface Day {
  reps: { rep: { id: string; name: string }; visits: Visit[]; totalMinutes: number }[];
}

// Lujiazui, Shanghai, and points near and far from it.
const SITE = { latitude: 31.2397, longitude: 121.4998 };
const NEAR = { latitude: 31.2421, longitude: 121.5032, accuracy: 12 };
const FAR = { latitude: 31.1443, longitude: 121.8083, accuracy: 30 }; // Pudong airport

describe.each(backends())('field visits on $name', (backend) => {
  let server: TestServer;
  // The runtime's clock starts 2 hours back and moves forward with the visits (sessions the harness creates use the real clock).
  let now = new Date(Date.now() - 2 * 3_600_000);
  const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));
  const rep = () => server.as('rep').api;
  const account = async (name: string, data: Record<string, unknown> = {}, owner: string = TEST_ORG.users.rep.id) =>
    expectJson<View>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name, status: 'active', dedupe_override: { confirm: true }, ...data }, owner } }), 201);
  const checkIn = (api: ReturnType<typeof rep>, body: Record<string, unknown>) => api('/api/plugins/crm/visits/check-in', { method: 'POST', json: body });
  const checkOut = (api: ReturnType<typeof rep>, id: string, body: Record<string, unknown>) => api(`/api/plugins/crm/visits/${id}/check-out`, { method: 'POST', json: body });

  beforeAll(async () => {
    server = await startServer(backend, { PIPEWRIGHT_PLUGINS: SITE_AUDIT }, { now: () => now });
    await server.seedOrg();
  }, 120_000);
  afterAll(() => server?.close());

  it('accounts hold coordinates, checked by the schema', async () => {
    const a = await account('Coordinates Ltd', SITE);
    expect([a.data.latitude, a.data.longitude]).toEqual([SITE.latitude, SITE.longitude]);
    const bad = await expectJson<Problem>(server.api('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Off The Map', status: 'active', latitude: 91, longitude: 10 } } }), 422);
    expect(bad.errors?.map((e) => e.pointer)).toContain('/data/latitude');
  });

  it('checks in with the position and the distance to the account, then out with the duration', async () => {
    const a = await account('Lujiazui Tower Co', SITE);
    const t0 = now.toISOString();
    const visit = await expectJson<Visit>(checkIn(rep(), { account_id: a.id, position: { ...NEAR, timestamp: t0 } }), 201);
    const expected = cosineKm(NEAR.latitude, NEAR.longitude, SITE.latitude, SITE.longitude);
    expect(visit.distanceKm).not.toBeNull();
    expect(Math.abs((visit.distanceKm ?? 0) - expected)).toBeLessThan(0.001);
    expect(expected).toBeGreaterThan(0.3); // the points are really apart
    expect(visit).toMatchObject({ account: { id: a.id, name: 'Lujiazui Tower Co', located: true }, rep: { id: 'rick-rep' }, checkinAt: t0, checkoutAt: null, durationMinutes: null, accuracyM: 12 });
    const stored = await expectJson<View>(server.api(`/api/records/crm.activity/${visit.id}`), 200);
    expect(stored.owner).toBe('rick-rep');
    expect(stored.data).toMatchObject({ kind: 'visit', done: false, account_id: a.id, occurred_at: t0, checkin: { latitude: NEAR.latitude, longitude: NEAR.longitude, accuracy_m: 12, fix_at: t0, at: t0 } });

    // One open visit per rep; the open one is what the phone page resumes.
    const twice = await expectJson<Problem>(checkIn(rep(), { account_id: a.id, position: NEAR }), 409);
    expect(twice.code).toBe('crm.visit-open');
    expect((await expectJson<{ visit: Visit | null }>(rep()('/api/plugins/crm/visits/open'), 200)).visit?.id).toBe(visit.id);

    later(37);
    const out = await expectJson<Visit>(checkOut(rep(), visit.id, { position: { ...NEAR, accuracy: 8 }, outcome: 'Met the CFO' }), 200);
    expect([out.durationMinutes, out.checkoutAt]).toEqual([37, now.toISOString()]);
    const done = await expectJson<View>(server.api(`/api/records/crm.activity/${visit.id}`), 200);
    expect(done.data).toMatchObject({ done: true, duration_minutes: 37, outcome: 'Met the CFO', checkout: { accuracy_m: 8 } });
    expect((await expectJson<{ visit: Visit | null }>(rep()('/api/plugins/crm/visits/open'), 200)).visit).toBeNull();
    expect((await expectJson<Problem>(checkOut(rep(), visit.id, { position: NEAR }), 409)).code).toBe('crm.visit-checked-out');
  });

  it('a visit far from the account needs a reason at check-out; an account without coordinates has no distance', async () => {
    const a = await account('Far Away Trading', SITE);
    const visit = await expectJson<Visit>(checkIn(rep(), { account_id: a.id, position: FAR }), 201);
    const expected = cosineKm(FAR.latitude, FAR.longitude, SITE.latitude, SITE.longitude);
    expect(Math.abs((visit.distanceKm ?? 0) - expected)).toBeLessThan(0.001);
    expect(expected).toBeGreaterThan(20);
    later(5);
    const refused = await expectJson<Problem>(checkOut(rep(), visit.id, { position: FAR }), 422);
    expect([refused.code, refused.errors?.[0]?.pointer]).toEqual(['crm.visit-reason-required', '/reason']);
    expect(refused.detail).toContain(`${visit.distanceKm} km`);
    const out = await expectJson<Visit>(checkOut(rep(), visit.id, { position: FAR, reason: 'Met them at the airport office' }), 200);
    expect(out).toMatchObject({ reason: 'Met them at the airport office', durationMinutes: 5 });

    const unlocated = await account('No Coordinates Inc');
    const v2 = await expectJson<Visit>(checkIn(rep(), { account_id: unlocated.id, position: FAR }), 201);
    expect([v2.distanceKm, v2.account?.located]).toEqual([null, false]);
    expect((await expectJson<View>(server.api(`/api/records/crm.activity/${v2.id}`), 200)).data.distance_km).toBeUndefined();
    later(1);
    await expectJson<Visit>(checkOut(rep(), v2.id, { position: FAR }), 200);
  });

  it('a bad or missing position, or an unknown account, is a problem naming the member', async () => {
    const a = await account('Bad Input Ltd', SITE);
    const cases: [Record<string, unknown>, string][] = [
      [{ account_id: a.id }, '/position'],
      [{ account_id: a.id, position: { latitude: 91, longitude: 121, accuracy: 10 } }, '/position/latitude'],
      [{ account_id: a.id, position: { latitude: 31, longitude: 'east', accuracy: 10 } }, '/position/longitude'],
      [{ account_id: a.id, position: { latitude: 31, longitude: 121 } }, '/position/accuracy'],
      [{ account_id: a.id, position: { ...NEAR, accuracy: 5000 } }, '/position/accuracy'],
      [{ account_id: a.id, position: { ...NEAR, timestamp: 'yesterday' } }, '/position/timestamp'],
      [{ account_id: 'nope', position: NEAR }, '/account_id'],
      [{ account_id: '00000000-0000-4000-8000-000000000000', position: NEAR }, '/account_id'],
    ];
    for (const [body, pointer] of cases) {
      const res = await checkIn(rep(), body);
      const p = await expectJson<Problem>(res, 422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(p.errors?.map((e) => e.pointer), JSON.stringify(body)).toContain(pointer);
    }
    expect((await expectJson<{ visit: Visit | null }>(rep()('/api/plugins/crm/visits/open'), 200)).visit).toBeNull();
  });

  it('only the rep who checked in checks out; the manager lists the day\'s visits per rep under his visibility', async () => {
    const start = later(10);
    const a = await account('Manager View Ltd', SITE);
    const mine = await expectJson<Visit>(checkIn(rep(), { account_id: a.id, position: NEAR }), 201);
    // The manager sees the visit but may not check out for the rep; reps who cannot see it get 404.
    expect((await checkOut(server.as('manager').api, mine.id, { position: NEAR })).status).toBe(403);
    expect((await checkOut(server.as('colleague').api, mine.id, { position: NEAR })).status).toBe(404);
    expect((await checkOut(server.as('other-rep').api, mine.id, { position: NEAR })).status).toBe(404);
    later(20);
    await expectJson<Visit>(checkOut(rep(), mine.id, { position: NEAR }), 200);
    const b = await account('Colleague Account', SITE, TEST_ORG.users.colleague.id);
    const theirs = await expectJson<Visit>(checkIn(server.as('colleague').api, { account_id: b.id, position: FAR }), 201);
    const south = await account('South Account', SITE, TEST_ORG.users['other-rep'].id);
    await expectJson<Visit>(checkIn(server.as('other-rep').api, { account_id: south.id, position: NEAR }), 201);

    const window = `from=${encodeURIComponent(start.toISOString())}&to=${encodeURIComponent(new Date(now.getTime() + 60_000).toISOString())}`;
    const day = await expectJson<Day>(server.as('manager').api(`/api/plugins/crm/visits?${window}`), 200);
    expect(day.reps.map((r) => r.rep.id)).toEqual(['cora-colleague', 'rick-rep']);
    const rick = day.reps.find((r) => r.rep.id === 'rick-rep');
    expect(rick?.visits.map((v) => [v.account?.name, v.durationMinutes])).toEqual([['Manager View Ltd', 20]]);
    expect(rick?.totalMinutes).toBe(20);
    const cora = day.reps.find((r) => r.rep.id === 'cora-colleague')?.visits[0];
    expect(cora?.id).toBe(theirs.id);
    expect(Math.abs((cora?.distanceKm ?? 0) - cosineKm(FAR.latitude, FAR.longitude, SITE.latitude, SITE.longitude))).toBeLessThan(0.001);
    expect(cora?.checkoutAt).toBeNull();
    // The other region's manager sees only his rep; a rep may not list; bad windows are 400.
    const other = await expectJson<Day>(server.as('other-manager').api(`/api/plugins/crm/visits?${window}`), 200);
    expect(other.reps.map((r) => r.rep.id)).toEqual(['otto-rep']);
    expect((await rep()(`/api/plugins/crm/visits?${window}`)).status).toBe(403);
    expect((await server.anonymous(`/api/plugins/crm/visits?${window}`)).status).toBe(401);
    const backwards = await expectJson<Problem>(server.as('manager').api(`/api/plugins/crm/visits?from=${encodeURIComponent(now.toISOString())}&to=${encodeURIComponent(start.toISOString())}`), 400);
    expect(backwards.errors?.[0]).toMatchObject({ parameter: 'to' });
    expect((await server.as('manager').api('/api/plugins/crm/visits?from=today')).status).toBe(400);
  });

  it('distance_km is a rule operator: explained with the distance, and guarding a process transition', async () => {
    const ops = await expectJson<{ items: { name: string }[] }>(server.api('/api/rules/operators'), 200);
    expect(ops.items.map((o) => o.name)).toContain('distance_km');
    const distance = { distance_km: [{ var: 'checkin_lat' }, { var: 'checkin_lon' }, { var: 'site_lat' }, { var: 'site_lon' }] };
    const near = { title: 'Near', checkin_lat: NEAR.latitude, checkin_lon: NEAR.longitude, site_lat: SITE.latitude, site_lon: SITE.longitude };
    const explained = await expectJson<{ value: number }>(server.api('/api/rules/explain', { method: 'POST', json: { rule: distance, entity: 'site_audit.site_check', data: near } }), 200);
    expect(Math.abs(explained.value - cosineKm(NEAR.latitude, NEAR.longitude, SITE.latitude, SITE.longitude))).toBeLessThan(0.001);
    // The rule checker knows the signature: a string argument is refused when the rule is saved.
    const wrong = await server.api('/api/rules/explain', { method: 'POST', json: { rule: { distance_km: ['north', 1, 2, 3] }, entity: 'site_audit.site_check', data: near } });
    expect(wrong.status).toBe(422);

    // A visit more than 2 km from the site needs a reason; no coordinates never passes without one.
    const guard = { or: [{ and: [{ '!=': [distance, null] }, { '<=': [distance, 2] }] }, { '!!': [{ var: 'reason' }] }] };
    await expectJson(server.api('/api/processes', { method: 'POST', json: { id: 'site_audit', label: 'Site audit', entity: 'site_audit.site_check', initialStage: 'planned', stages: [{ id: 'planned', label: 'Planned', kind: 'open' }, { id: 'verified', label: 'Verified', kind: 'won', probability: 1 }], transitions: [{ id: 'verify', from: 'planned', to: 'verified', guard, guardMessage: 'A visit more than 2 km from the site needs a reason.' }] } }), 201);
    await publish(server.api, 'site_audit');
    const create = (data: Record<string, unknown>) => expectJson<View>(rep()('/api/records/site_audit.site_check', { method: 'POST', json: { data } }), 201);
    const type = 'site_audit.site_check';
    const ok = await create(near);
    expect((await expectJson<{ record: View }>(move(rep(), ok.id, ok.version, { to: 'verified' }, {}, type), 200)).record.stage).toBe('verified');
    const far = await create({ ...near, title: 'Far', checkin_lat: FAR.latitude, checkin_lon: FAR.longitude });
    const refused = await expectJson<Problem>(move(rep(), far.id, far.version, { to: 'verified' }, {}, type), 422);
    expect(refused.code).toBe('process.guard-failed');
    expect(refused.detail).toContain('needs a reason');
    const unlocated = await create({ title: 'No coordinates' });
    expect((await expectJson<Problem>(move(rep(), unlocated.id, unlocated.version, { to: 'verified' }, {}, type), 422)).code).toBe('process.guard-failed');
    const withReason = await expectJson<{ record: View }>(move(rep(), far.id, far.version, { to: 'verified', data: { reason: 'Customer moved to the airport office' } }, {}, type), 200);
    expect(withReason.record.stage).toBe('verified');
  });
});
