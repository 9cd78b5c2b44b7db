import { definePlugin } from '@pipewright/plugin-sdk';
import { CHECK_IN, CYCLE, KEY_RESULT, OBJECTIVE, keyResultValues, objectiveValues } from './compute';
import { hooks } from './hooks';
import { sendStaleReminders } from './reminders';
import { okrRoutes } from './routes';
import { TARGET, targetHooks, targetRoutes, targetValues } from './targets';
import { uploadRoute } from './upload';

/** Transparent by default: every signed-in user reads OKRs that are not private (reads only). */
const unlessPrivate = () => ({ '!': [{ var: 'private' }] });

/**
 * Runtime half of the okr plugin: cycles, objectives cascading company -> office -> team ->
 * person, key results whose value and progress are computed on every read (metric ones live
 * from the metric layer over their scope and cycle, numeric and milestone ones from their latest
 * check-in), objective progress rolled up, staleness reminders, and the rules of who edits what.
 *
 * @example
 * ```ts
 * import { plugin } from '@pipewright/plugin-okr';
 * ```
 */
export const plugin = definePlugin({
  config: {
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        progress_cap: { type: 'number', minimum: 1, maximum: 10, default: 1, description: 'Highest progress a key result counts (1.2 = 120%), unless the key result sets its own cap.' },
        stale_days: { type: 'integer', minimum: 1, maximum: 365, default: 14, description: "Days without a check-in after which a key result's owner is reminded." },
        escalate_days: { type: 'integer', minimum: 1, maximum: 365, default: 21, description: "Days without a check-in after which the owner's managers are told too." },
      },
    },
  },
  hooks: { ...hooks, [TARGET]: targetHooks },
  visibility: {
    [CYCLE]: { widen: () => true },
    [OBJECTIVE]: { widen: unlessPrivate },
    [KEY_RESULT]: { widen: unlessPrivate },
    [CHECK_IN]: { widen: unlessPrivate },
    // Sales targets are published to the whole sales organisation.
    [TARGET]: { widen: () => true },
  },
  computed: {
    [KEY_RESULT]: async (records, services) => {
      const values = await keyResultValues(records, services);
      return new Map([...values].map(([id, v]) => [id, { ...v }]));
    },
    [TARGET]: (records, services) => targetValues(records, services),
    [OBJECTIVE]: async (records, services) => {
      const values = await objectiveValues(records, services);
      return new Map([...values].map(([id, v]) => [id, { ...v }]));
    },
  },
  routes: [...okrRoutes(), ...targetRoutes(), uploadRoute()],
  jobs: {
    async stale_check_ins(_data, services) {
      const sent = await sendStaleReminders(services);
      services.log.info('staleness reminders', sent);
    },
  },
  schedules: { stale_check_ins: { cron: '0 * * * *' } },
});
