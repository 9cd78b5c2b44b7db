import { PipewrightError, type ActionContext, type ActionRecords } from '@pipewright/core';
import type { Selectable } from 'kysely';
import { systemPrincipal } from '../auth/principal';
import type { RecordTable } from '../db/tables';
import { stableUuid, type ActionJob } from './payloads';
import { toView } from '../records/view';
import { PermanentActionError, type ActionEnv } from './actions';
import { recipients } from './recipients';

const PROCESS = systemPrincipal('process');

/**
 * Runs a plugin's handler for an action (see `definePlugin({ actions })`). The handler gets the
 * record as it is now, the action's configuration and idempotency key, the plugin's services
 * as `system:process`, and {@link pluginRecords} to create records once per execution. A missing handler (the loader refuses those, so only
 * a job written before a plugin was removed) and a write the entity schema refuses are
 * permanent failures: retrying cannot fix them.
 *
 * @example
 * ```ts
 * const result = await runPluginAction(env, job, { key: '42:assign', type: 'acme_territory.assign', config }, row);
 * ```
 */
export async function runPluginAction(e: ActionEnv, job: ActionJob, a: { key: string; type: string; config: Record<string, unknown> }, row: Selectable<RecordTable> | undefined): Promise<unknown> {
  const type = e.registry.actionTypes.get(a.type);
  const handler = type?.handler;
  if (!type || !handler) throw new PermanentActionError(`No handler is registered for action type "${a.type}".`);
  if (!e.plugins) throw new PermanentActionError(`Plugin services are not available to run "${a.type}".`);
  const view = row ? toView(row) : undefined;
  const services = e.plugins.services(type.plugin, PROCESS);
  const { get, getMany, list, update, similar, remove, restore, move, ruleValues, shares, share, unshare } = services.records;
  const ctx: ActionContext = {
    ...services,
    idempotencyKey: a.key,
    config: a.config,
    actor: job.actor,
    records: { ...pluginRecords(e, type.plugin, a.key), get, getMany, list, update, similar, remove, restore, move, ruleValues, shares, share, unshare },
    recipients: async (assignee) => (row ? recipients(e.db, row, assignee && (assignee.user !== undefined ? { user: assignee.user } : assignee.role !== undefined ? { role: assignee.role } : undefined)) : []),
    ...(view ? { record: { id: view.id, type: view.type, data: view.data, owner: view.owner, orgUnit: view.orgUnit, stage: view.stage } } : {}),
  };
  return handler(ctx);
}

/**
 * The record writer an action handler gets: creates records of the plugin's own entities through
 * the record store (validation, references, `create` event by `system:process`), with an id
 * derived from the action's idempotency key so a repeated delivery creates nothing new.
 *
 * @example
 * ```ts
 * await pluginRecords(env, 'acme_territory', '42:assign').create('acme_territory.assignment', { data });
 * ```
 */
export function pluginRecords(e: ActionEnv, plugin: string, actionKey: string): Pick<ActionRecords, 'create'> {
  return {
    async create(type, input, options = {}) {
      if (!type.startsWith(`${plugin}.`) || !e.registry.entities.has(type)) {
        throw new PermanentActionError(`Plugin "${plugin}" may only create records of its own entities; "${type}" is not one of them.`);
      }
      const id = stableUuid(`action-record:${actionKey}:${options.key ?? type}`);
      try {
        return await e.db.transaction().execute(async (tx) => {
          if (await tx.selectFrom('records').select('id').where('id', '=', id).executeTakeFirst()) return { id, created: false };
          await e.store.create(type, { id, data: input.data, ...(input.owner !== undefined ? { owner: input.owner } : {}), ...(input.orgUnit !== undefined ? { orgUnit: input.orgUnit } : {}) }, PROCESS, tx);
          return { id, created: true };
        });
      } catch (err) {
        // A body the schema refuses stays refused however often it is retried.
        if (err instanceof PipewrightError && err.kind === 'user') {
          throw new PermanentActionError(`${type} record refused: ${err.message}${err.details.length ? ` (${err.details.map((d) => `${d.pointer} ${d.message}`).join('; ')})` : ''}`);
        }
        throw err;
      }
    },
  };
}
