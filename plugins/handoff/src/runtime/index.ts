import { definePlugin } from '@pipewright/plugin-sdk';
import { answersRoute } from './answer-right';
import { convertRoute } from './convert';
import { createHandoff } from './create';
import { inboxRoute } from './inbox';
import { acceptRoute, handoffHooks, rejectRoute, routeHandoffJob } from './handoffs';
import { migrateHandoffs } from './migrate';
import { acceptanceSla, leadAcceptedAction, leadReturnedAction, routeLeadAction } from './lead-flow';
import { conditionProblems, RULE } from './rules';
import { HANDOFF, LEAD, STATE } from './routing';
import { leadOwnershipAfterChange, leadPoolValidate, recordLeadOwnershipChange, recycleDueLeads } from './lead-pool';
import { leadPoolRoutes } from './lead-pool-routes';

/**
 * Runtime part of the handoff plugin: leads handed from marketing to sales through the `lead`
 * process (routing by the ordered rules, acceptance SLA with escalation and re-routing,
 * conversion into account, contact and deal), the inbox, and the `handoff.create` action.
 * Entities, the process and metrics are data (see plugin.json).
 *
 * @example
 * ```ts
 * import { plugin } from '@pipewright/plugin-handoff';
 * ```
 */
export const plugin = definePlugin({
  config: {
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        acceptance_hours: { type: 'number', exclusiveMinimum: 0, maximum: 720, default: 4 },
        reroute_after_hours: { type: 'number', exclusiveMinimum: 0, maximum: 720, default: 2 },
        // A late handoff goes to someone else this many times, then expires (0: it expires at the first re-route).
        max_reroutes: { type: 'integer', minimum: 0, maximum: 20, default: 1 },
      },
    },
  },
  actions: { create: createHandoff, route: routeLeadAction, accepted: leadAcceptedAction, returned: leadReturnedAction },
  hooks: {
    [HANDOFF]: handoffHooks,
    // Leads in the shared pool (公海池, crm.pool): in_pool is the pool's; owner changes go in the history.
    [LEAD]: { validate: leadPoolValidate, afterChange: leadOwnershipAfterChange },
    [RULE]: {
      validate(change, s) {
        const admin = s.caller.id.startsWith('system:') || s.caller.roles.includes('admin');
        if (!admin) return [{ pointer: '', message: 'only admins manage routing rules', code: 'handoff.admins-only' }];
        return change.operation === 'delete' ? [] : conditionProblems(change.data.condition);
      },
      // Each rule gets its routing state with it, in the same transaction (routers only update it).
      async afterChange(change, s) {
        if (change.operation !== 'create') return;
        await s.records.create(STATE, { data: { rule_id: change.after.id, counts: {}, recent: [] }, owner: null, orgUnit: null });
      },
    },
  },
  visibility: {
    // Routing state is the routers' bookkeeping: admins and system work only.
    [STATE]: () => false,
    // Leads waiting in a pool are readable by every signed-in user (pool members open them to claim).
    [LEAD]: { widen: () => ({ '==': [{ var: 'in_pool' }, true] }) },
  },
  routes: [inboxRoute, convertRoute, acceptRoute, rejectRoute, answersRoute, ...leadPoolRoutes],
  jobs: {
    async sla(data, s) {
      const outcome = await acceptanceSla(data, s);
      s.log.info('acceptance SLA', { type: data.type, id: data.id, round: data.round, step: data.step, outcome });
    },
    async route_handoff(data, s) {
      s.log.info('handoff routed', { id: data.id, outcome: await routeHandoffJob(data, s) });
    },
    // Answers used to be written by this job; they are now moves in the answering request. A
    // delivery queued before the upgrade finds the handoff answered or still sent, and does nothing.
    async handoff_settled(data, s) {
      s.log.info('handoff_settled is no longer used; answers move the handoff in the request', { id: data.id });
    },
    async migrate_handoffs(_data, s) {
      s.log.info('handoffs migrated to their processes', await migrateHandoffs(s));
    },
    async lead_ownership_change(data, s) {
      await recordLeadOwnershipChange(s, data);
    },
    async lead_pool_recycle(data, s) {
      // Every 5 minutes: the pools whose own schedule has a tick due ({ force: true }: all now).
      const out = await recycleDueLeads(s, data.force === true);
      if (out.pools !== 0) s.log.info('lead pool recycle', out);
    },
  },
  schedules: {
    lead_pool_recycle: { cron: '*/5 * * * *', tz: 'UTC' },
    migrate_handoffs: { cron: '40 * * * *', tz: 'UTC', afterDemoSeed: true },
  },
});
