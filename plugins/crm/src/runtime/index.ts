import { definePlugin } from '@pipewright/plugin-sdk';
import { bookLeftBehind } from './deactivation';
import type { PluginRecord, PluginServices, RecordChange } from '@pipewright/plugin-sdk';
import { atRiskRoute } from './churn';
import { createActivity } from './create-activity';
import { DEDUPE, dedupeBeforeChange, findCandidates, keysOf } from './dedupe';
import { checkRowsRoute } from './import-check';
import { GRADING_RULES, gradeAfterChange, gradeBeforeChange, gradeAllInSql, gradingRuleAfter, gradingRuleBefore, gradingRuleValidate, regradeAll } from './grading';
import { mergeRoutes, runMerge, runUnmerge } from './merge';
import { overviewRoute } from './overview';
import { OWNERSHIP, POOL, accountPoolValidate, ownershipAfterChange, ownershipValidate, poolRunValidate, poolValidate, recordOwnershipChange } from './pool';
import { POOL_RUN, recycleDuePools } from './pool-recycle';
import { poolRoutes } from './pool-routes';
import { checkRoute } from './routes';
import { runTransfer, transferRoutes } from './transfer';
import { distanceKmOperator } from './geo';
import { visitRoutes } from './visits';
import { completePresets, reportBefore, reportRoutes, sendReminders, templateBefore } from './reports';

const ACCOUNT = 'crm.account';

/**
 * An account whose stored name key is not what the normaliser gives now (the normaliser, with
 * pinyin, is not SQL), or that was never graded by anyone (no grade_source). Grades themselves
 * are the SQL run's ({@link gradeAllInSql}).
 */
function stale(r: PluginRecord): boolean {
  const matching = DEDUPE.entities[ACCOUNT];
  const keys = matching ? keysOf(matching, r.data) : {};
  if (Object.entries(keys).some(([field, key]) => (key === '' ? r.data[field] !== undefined : r.data[field] !== key))) return true;
  return r.data.grade_source === undefined;
}

/** Accounts and contacts: match keys and the duplicate policy first, then (accounts) the grade. */
async function accountBefore(change: RecordChange, s: PluginServices) {
  const data = (await dedupeBeforeChange(change, s)) ?? change.data;
  return gradeBeforeChange(change, s, data);
}

/**
 * Runtime part of the crm plugin:
 * - duplicate prevention (查重) on accounts and contacts, declared in dedupe.json (hooks);
 * - customer grading on every account write (hooks) and nightly for all accounts in SQL (job
 *   `maintain_accounts`: the rule through `records.ruleValues`, only changed accounts written;
 *   it also stores missing match keys), grade changes kept as crm.grade_change records;
 * - `POST /api/plugins/crm/duplicates/check`: the candidates for a body, without writing;
 *   `POST /api/plugins/crm/duplicates/check-rows`: the same per row of a batch, before an import;
 * - `GET /api/plugins/crm/accounts/:id/overview`: the 360° account;
 * - `POST /api/plugins/crm/transfers/preview`, `POST /api/plugins/crm/transfers`: governed
 *   ownership transfer of a rep's book (job `transfer`);
 * - `POST /api/plugins/crm/accounts/:id/merge`, `POST /api/plugins/crm/merges/:id/undo`: merge
 *   a duplicate account (jobs `merge`, `unmerge`), undoable for 72 hours;
 * - `GET /api/plugins/crm/at-risk`: churn / at-risk warning from churn.json, with its backtest;
 * - the `crm.create_activity` action;
 * - field visits (外勤签到, ADR 025): `POST /visits/check-in`, `POST /visits/:id/check-out`,
 *   `GET /visits/open`, `GET /visits` (managers), and the rule operator `distance_km`;
 * - daily and weekly reports (日报/周报): `GET /reports/current`, `POST /reports/submit`,
 *   `GET /reports/team`, `POST /reports/:id/comments`, reminders (job `report_reminders`);
 * - the shared account pool (公海池, pool*.ts): `crm.pool` records, claim and return routes under
 *   `/api/plugins/crm/pool`, the owner history (`crm.ownership`) and the recycle job (each pool on its
 *   own schedule, `crm.pool_run`).
 *
 * @example
 * ```ts
 * import { plugin } from '@pipewright/plugin-crm';
 * ```
 */
export const plugin = definePlugin({
  users: { deactivated: async (user, s) => void (await bookLeftBehind(user, s)) },
  actions: { create_activity: createActivity },
  operators: { distance_km: distanceKmOperator },
  config: {
    schema: {
      type: 'object',
      properties: {
        visit_reason_over_km: { type: 'number', minimum: 0, default: 1, description: 'A visit checked in farther than this from the account needs a reason at check-out.' },
        visit_max_accuracy_m: { type: 'number', minimum: 1, default: 2000, description: 'Positions less precise than this are refused at check-in and check-out.' },
      },
    },
  },
  hooks: {
    [ACCOUNT]: {
      beforeChange: accountBefore,
      validate: accountPoolValidate,
      afterChange: async (change, s) => {
        await gradeAfterChange(change, s);
        await ownershipAfterChange(change, s);
      },
    },
    [POOL]: { validate: poolValidate },
    [GRADING_RULES]: { beforeChange: gradingRuleBefore, validate: gradingRuleValidate, afterChange: gradingRuleAfter },
    [OWNERSHIP]: { validate: ownershipValidate },
    [POOL_RUN]: { validate: poolRunValidate },
    'crm.contact': { beforeChange: (change, s) => dedupeBeforeChange(change, s) },
    'crm.report_template': { beforeChange: templateBefore },
    'crm.report': { beforeChange: reportBefore },
  },
  visibility: {
    // Every rep reads his team's report template (日报/周报).
    'crm.report_template': { widen: () => true },
    // Accounts waiting in a pool are readable by every signed-in user (pool members open them to claim).
    [ACCOUNT]: { widen: () => ({ '==': [{ var: 'in_pool' }, true] }) },
    // Pools are readable by every signed-in user (an account's pool_id is a reference others check).
    [POOL]: { widen: () => true },
    // The grading rule in force grades every account write, whoever writes it.
    [GRADING_RULES]: { widen: () => true },
  },
  jobs: {
    async maintain_accounts(_data, s) {
      const graded = await gradeAllInSql(s);
      const keyed = await regradeAll(s, stale);
      s.log.info('accounts graded (SQL) and keyed', { graded: graded.written, gradedInJs: graded.inJs, keyed });
    },
    async transfer(data, s) {
      await runTransfer(s, String(data.transfer));
    },
    async merge(data, s) {
      await runMerge(s, String(data.merge));
    },
    async unmerge(data, s) {
      await runUnmerge(s, String(data.merge));
    },
    async report_reminders(_data, s) {
      const completed = await completePresets(s);
      if (completed) s.log.info('report templates completed from their preset', { completed });
      const sent = await sendReminders(s);
      if (sent) s.log.info('report reminders sent', { sent });
    },
    async pool_recycle(data, s) {
      // Every 5 minutes: the pools whose own schedule has a tick due ({ force: true }: all now).
      const out = await recycleDuePools(s, data.force === true);
      if (out.pools.length > 0) s.log.info('pool recycle', out);
    },
    async ownership_change(data, s) {
      await recordOwnershipChange(s, data);
    },
  },
  schedules: {
    maintain_accounts: { cron: '30 2 * * *', tz: 'UTC', afterDemoSeed: true },
    report_reminders: { cron: '*/5 * * * *', tz: 'UTC', afterDemoSeed: true },
    pool_recycle: { cron: '*/5 * * * *', tz: 'UTC' },
  },
  routes: [
    checkRoute(DEDUPE, findCandidates),
    checkRowsRoute(DEDUPE),
    overviewRoute,
    ...transferRoutes,
    ...mergeRoutes,
    atRiskRoute,
    ...visitRoutes,
    ...reportRoutes,
    ...poolRoutes,
    {
      method: 'post',
      path: '/accounts/maintenance',
      summary: 'Grades every account and stores its match keys now (the nightly job), e.g. after an import',
      roles: ['admin'],
      status: 202,
      response: { type: 'object', required: ['job'], properties: { job: { type: ['string', 'null'] } } },
      handler: async (ctx) => ({ job: await ctx.jobs.enqueue('maintain_accounts', {}) }),
    },
  ],
});

export { stale as accountNeedsMaintenance };
