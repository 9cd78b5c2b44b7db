import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { backends, startServer, TEST_ORG, type TestServer } from '../../../runtime/test/harness';
import { QUALIFIED, createDeal, expectJson, move, type Problem, type View } from '../../../runtime/test/process/helpers';
import { plugin } from '../src/runtime/index';

/**
 * Issue 19, 日报/周报: a team's report template, figures filled in from the rep's activity on the
 * team's local day (checked against a count of the rows the test wrote, by its own arithmetic),
 * required answers, late submissions, reminders sent once by the scheduled job, the manager's
 * view of who submitted with the rollup, comments with a notice to the rep, and who may do what.
 */
interface Current { template: { id: string }; period: { start: string; end: string; deadline: string }; figures: Record<string, number>; report: { id: string; late: boolean } | null }
interface Team { members: { user: { id: string }; status: string; report: { id: string; figures: Record<string, number>; answers: Record<string, string> } | null }[]; rollup: { members: number; submitted: number; late: number; missing: number; figures: Record<string, number>; answers: Record<string, { user: string; text: string }[]> } }
interface Listed { items: { kind: string; title: string }[] }

// Wednesday 2 December 2026, 17:30 in Shanghai (09:30 UTC): the daily report is due at 18:00 local.
const START = Date.parse('2026-12-02T09:30:00Z');
const TZ_DAY = { from: Date.parse('2026-12-01T16:00:00Z'), to: Date.parse('2026-12-02T16:00:00Z') };

describe.each(backends())('daily reports on $name', (backend) => {
  let server: TestServer;
  let now = new Date(START);
  let template = '';
  const remind = () => (plugin.jobs?.report_reminders as (d: Record<string, unknown>, s: unknown) => Promise<void>)({}, server.platform.plugins.services('crm', systemPrincipal('plugin:crm')));
  const rep = () => server.as('rep').api;
  const manager = () => server.as('manager').api;
  const reminders = async (user: 'rep' | 'colleague') => (await expectJson<Listed>(server.as(user).api('/api/notifications'), 200)).items.filter((n) => n.kind === 'crm.report-reminder');

  beforeAll(async () => {
    server = await startServer(backend, {}, { now: () => now });
    await server.seedOrg();
  }, 120_000);
  afterAll(() => server?.close());

  it('managers write templates; reps may not; the time zone is checked', async () => {
    const body = { name: 'North A daily', team_id: 't-north-a', period: 'daily', deadline_time: '18:00', time_zone: 'Asia/Shanghai', remind_before_minutes: 60, questions: [{ key: 'done', label: 'What did you do?', label_zh: '今日工作', required: true }, { key: 'plan', label: 'Plan for tomorrow', label_zh: '明日计划' }] };
    const refused = await expectJson<Problem>(rep()('/api/records/crm.report_template', { method: 'POST', json: { data: body } }), 403);
    expect(refused.code).toBe('forbidden');
    const badZone = await expectJson<Problem>(manager()('/api/records/crm.report_template', { method: 'POST', json: { data: { ...body, time_zone: 'Mars/Olympus' } } }), 422);
    expect(badZone.errors?.[0]?.pointer).toBe('/data/time_zone');
    template = (await expectJson<View>(manager()('/api/records/crm.report_template', { method: 'POST', json: { data: body } }), 201)).id;
    // every rep reads it
    expect((await server.as('other-rep').api(`/api/records/crm.report_template/${template}`)).status).toBe(200);
  });

  it('fills the figures from the rep\'s activity on the team\'s local day', async () => {
    const acts: [string, string, boolean][] = [
      ['visit', '2026-12-02T01:00:00Z', true], // 09:00 local
      ['visit', '2026-12-01T17:00:00Z', true], // 01:00 local on the 2nd, the 1st in UTC
      ['visit', '2026-12-01T15:30:00Z', true], // 23:30 local on the 1st
      ['visit', '2026-12-02T03:00:00Z', false], // not done
      ['call', '2026-12-02T02:00:00Z', true],
      ['call', '2026-12-02T16:30:00Z', true], // 00:30 local on the 3rd
      ['email', '2026-12-02T02:00:00Z', true],
    ];
    for (const [kind, at, done] of acts) await expectJson(rep()('/api/records/crm.activity', { method: 'POST', json: { data: { kind, subject: `${kind} ${at}`, occurred_at: at, done } } }), 201);
    const account = await expectJson<View>(rep()('/api/records/crm.account', { method: 'POST', json: { data: { name: 'Report Account', status: 'active' } } }), 201);
    const deal = await createDeal(rep(), { name: 'Report deal', account_id: account.id, ...QUALIFIED });
    const moved = await expectJson<{ record: View }>(move(rep(), deal.id, deal.version, { to: 'engaging' }), 200);
    expect(moved.record.stage).toBe('engaging');
    // Independent: count what was written, on the Shanghai day, by plain arithmetic.
    const inDay = (at: string) => Date.parse(at) >= TZ_DAY.from && Date.parse(at) < TZ_DAY.to;
    const expected = { visits: acts.filter(([k, at, d]) => k === 'visit' && d && inDay(at)).length, calls: acts.filter(([k, at, d]) => k === 'call' && d && inDay(at)).length, stage_moves: 1 };
    expect(expected).toEqual({ visits: 2, calls: 1, stage_moves: 1 });
    const current = await expectJson<Current>(rep()('/api/plugins/crm/reports/current'), 200);
    expect(current.template.id).toBe(template);
    expect(current.period).toEqual({ start: '2026-12-02', end: '2026-12-02', deadline: '2026-12-02T10:00:00.000Z' });
    expect(current.figures).toEqual(expected);
    expect(current.report).toBeNull();
  });

  it('checks the answers, submits on time, and reminds only those who have not, once', async () => {
    const missing = await expectJson<Problem>(rep()('/api/plugins/crm/reports/submit', { method: 'POST', json: { template_id: template, answers: { plan: 'Call Acme' } } }), 422);
    expect(missing.errors?.map((e) => e.pointer)).toEqual(['/answers/done']);
    const unknown = await expectJson<Problem>(rep()('/api/plugins/crm/reports/submit', { method: 'POST', json: { template_id: template, answers: { done: 'x', mood: 'good' } } }), 422);
    expect(unknown.errors?.map((e) => e.pointer)).toEqual(['/answers/mood']);
    const future = await expectJson<Problem>(rep()('/api/plugins/crm/reports/submit', { method: 'POST', json: { template_id: template, date: '2026-12-03', answers: { done: 'x' } } }), 422);
    expect(future.errors?.[0]?.pointer).toBe('/date');
    const ok = await expectJson<{ report: { id: string; late: boolean; figures: Record<string, number> } }>(rep()('/api/plugins/crm/reports/submit', { method: 'POST', json: { template_id: template, answers: { done: 'Visited two accounts', plan: 'Call Acme' } } }), 200);
    expect([ok.report.late, ok.report.figures]).toEqual([false, { visits: 2, calls: 1, stage_moves: 1 }]);

    // 09:30 UTC is inside the hour before the deadline: Cora (no report) is reminded, Rick is not; a second run sends nothing.
    await remind();
    await remind();
    expect((await reminders('colleague')).map((n) => n.title)).toEqual(['Your report "North A daily" is due at 18:00']);
    expect(await reminders('rep')).toEqual([]);
    // Before the window nothing is sent (a fresh template for the same team, due later).
    now = new Date('2026-12-02T09:45:00Z');
    await expectJson<View>(manager()('/api/records/crm.report_template', { method: 'POST', json: { data: { name: 'Evening check', team_id: 't-north-a', period: 'daily', deadline_time: '23:00', time_zone: 'Asia/Shanghai', remind_before_minutes: 30 } } }), 201);
    await remind();
    expect(await reminders('colleague')).toHaveLength(1);
  });

  it('the manager sees who submitted, late or not, reads the rollup and comments; the rep is told', async () => {
    now = new Date('2026-12-02T10:30:00Z'); // after the deadline
    await expectJson(server.as('colleague').api('/api/plugins/crm/reports/submit', { method: 'POST', json: { template_id: template, answers: { done: 'Paperwork' } } }), 200);
    const team = await expectJson<Team>(manager()(`/api/plugins/crm/reports/team?template=${template}&date=2026-12-02`), 200);
    expect(team.members.map((m) => [m.user.id, m.status]).sort()).toEqual([['cora-colleague', 'late'], ['rick-rep', 'submitted']]);
    expect(team.rollup).toMatchObject({ members: 2, submitted: 2, late: 1, missing: 0, figures: { visits: 2, calls: 1, stage_moves: 1 } });
    expect(team.rollup.answers.done?.map((a) => a.text).sort()).toEqual(['Paperwork', 'Visited two accounts']);
    const rick = team.members.find((m) => m.user.id === 'rick-rep')?.report?.id ?? '';
    await expectJson(manager()(`/api/plugins/crm/reports/${rick}/comments`, { method: 'POST', json: { text: 'Good work, follow up with Acme on Friday.' } }), 201);
    const notes = (await expectJson<Listed>(rep()('/api/notifications'), 200)).items.filter((n) => n.kind === 'crm.report-comment');
    expect(notes).toHaveLength(1);
    expect((await expectJson<View>(server.api(`/api/records/crm.report/${rick}`), 200)).data.comments).toMatchObject([{ by: 'mia-manager', text: 'Good work, follow up with Acme on Friday.' }]);
    // A day without reports lists everyone as missing.
    const before = await expectJson<Team>(manager()(`/api/plugins/crm/reports/team?template=${template}&date=2026-12-01`), 200);
    expect(before.rollup).toMatchObject({ submitted: 0, missing: 2 });
  });

  it('who may: reps neither read the team view nor comment; another region\'s manager neither', async () => {
    const r = (await expectJson<Team>(manager()(`/api/plugins/crm/reports/team?template=${template}&date=2026-12-02`), 200)).members[0]?.report?.id ?? '';
    expect((await rep()(`/api/plugins/crm/reports/team?template=${template}`)).status).toBe(403);
    expect((await rep()(`/api/plugins/crm/reports/${r}/comments`, { method: 'POST', json: { text: 'hi' } })).status).toBe(403);
    const other = server.as('other-manager').api;
    expect((await expectJson<Problem>(other(`/api/plugins/crm/reports/team?template=${template}`), 403)).code).toBe('forbidden');
    expect((await other(`/api/plugins/crm/reports/${r}/comments`, { method: 'POST', json: { text: 'hi' } })).status).toBe(404);
    expect((await server.anonymous('/api/plugins/crm/reports/current')).status).toBe(401);
    const blank = await expectJson<Problem>(manager()(`/api/plugins/crm/reports/${r}/comments`, { method: 'POST', json: { text: '' } }), 422);
    expect(blank.errors?.[0]?.pointer).toBe('/text');
    expect((await manager()(`/api/plugins/crm/reports/team?template=nope`)).status).toBe(400);
    // The computed parts are the routes' own: a direct write of figures or comments is refused; the answers stay the rep's.
    const rickReport = (await expectJson<Team>(manager()(`/api/plugins/crm/reports/team?template=${template}&date=2026-12-02`), 200)).members.find((m) => m.user.id === 'rick-rep')?.report?.id ?? '';
    const current = await expectJson<View>(rep()(`/api/records/crm.report/${rickReport}`), 200);
    const patch = (data: Record<string, unknown>) => rep()(`/api/records/crm.report/${rickReport}`, { method: 'PATCH', headers: { 'if-match': `"${current.version}"` }, json: { data } });
    expect((await expectJson<Problem>(patch({ figures: { visits: 40, calls: 1, stage_moves: 1 } }), 403)).code).toBe('crm.report-computed');
    expect((await expectJson<Problem>(patch({ late: false, comments: [] }), 403)).code).toBe('crm.report-computed');
    expect((await expectJson<Problem>(rep()('/api/records/crm.report', { method: 'POST', json: { data: { title: 'Fake', template_id: template, period_start: '2026-11-30', figures: { visits: 99 }, late: false, submitted_at: '2026-11-30T01:00:00Z' } } }), 403)).code).toBe('crm.report-computed');
    expect((await expectJson<View>(patch({ answers: { done: 'Visited two accounts (edited)', plan: 'Call Acme' } }), 200)).data.figures).toEqual({ visits: 2, calls: 1, stage_moves: 1 });
    // The other region has no template: a clear 404.
    expect((await expectJson<Problem>(server.as('other-rep').api('/api/plugins/crm/reports/current'), 404)).detail).toContain('No report template applies to your team');
    expect(TEST_ORG.users['other-rep'].unit).toBe('t-south-a');
  });
});
