import type { PluginRoute } from '@pipewright/plugin-sdk';
import { KEY_RESULT, loadCycles, metricBinding } from './compute';
import { sendStaleReminders } from './reminders';

const UUID = { type: 'string', format: 'uuid' } as const;

/** A 404 problem the platform answers as it answers its own (the same duck type as its errors). */
function notFound(type: string, id: string): Error {
  return Object.assign(new Error(`No ${type} record "${id}" that you may see.`), { code: 'not-found', kind: 'user', status: 404, details: [], extensions: {} });
}

/**
 * The okr plugin's routes (`/api/plugins/okr/...`): the explanation of a key result's value (the
 * metric query behind it and the request that lists the records behind it), and an admin
 * trigger of the staleness reminders. Values and progress themselves come with every record
 * read (`computed`).
 */
export function okrRoutes(): PluginRoute[] {
  return [
    {
      method: 'get',
      path: '/key-results/:id/explanation',
      summary: "How a key result's value is computed: for a metric key result, the metric query behind it, the cell of its scope and the request listing the records behind the figure (POST /api/metrics/records, which lists those the caller may see)",
      response: {
        type: 'object',
        required: ['kind', 'query', 'cell', 'records'],
        properties: { kind: { type: 'string' }, query: { type: ['object', 'null'] }, cell: { type: ['object', 'null'] }, records: { type: ['object', 'null'] } },
      },
      async handler(ctx) {
        const id = ctx.params.id ?? '';
        const kr = await ctx.records.get(KEY_RESULT, id);
        if (!kr) throw notFound(KEY_RESULT, id);
        const kind = String(kr.data.kind);
        const none = { kind, query: null, cell: null, records: null };
        if (kind !== 'metric') return none;
        const cycles = await loadCycles(ctx, [typeof kr.data.cycle_id === 'string' ? kr.data.cycle_id : null]);
        const units = new Map((await ctx.directory.orgUnits()).map((u) => [u.id, u]));
        const binding = metricBinding(kr, cycles.get(String(kr.data.cycle_id)), units);
        if (!binding) return none;
        const { metrics, ...rest } = binding.query;
        return { kind, query: binding.query, cell: binding.cell, records: { metric: metrics[0], ...rest, ...(binding.cell ? { cell: binding.cell } : {}) } };
      },
    },
    {
      method: 'post',
      path: '/reminders/run',
      summary: 'Sends the staleness reminders now (the scheduled job does it hourly): owners of key results without a check-in for stale_days, their managers after escalate_days',
      roles: ['admin'],
      body: { type: 'object', additionalProperties: false, properties: {} },
      response: { type: 'object', required: ['owners', 'managers'], properties: { owners: { type: 'integer' }, managers: { type: 'integer' } } },
      handler: (ctx) => sendStaleReminders(ctx),
    },
  ];
}
