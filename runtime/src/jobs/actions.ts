import { BUILTIN_ACTION_TYPES, DEFAULT_WEBHOOK_SECRET_ENV, WEBHOOK_SECRET_ENV_PREFIX, isAllowedSecretEnv, renderTemplate, textIn, type Assignee, type PluginServices, type Registry } from '@pipewright/core';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { systemPrincipal, type Principal } from '../auth/principal';
import type { Database, RecordTable } from '../db/tables';
import type { ActionJob } from './payloads';
import { mergePatch, type RecordStore } from '../records/store';
import { toView } from '../records/view';
import { updateRecord } from '../records/writer';
import { runPluginAction } from './plugin-actions';
import { notify, recipients } from './recipients';
import type { PrivateAllowList } from './destination';
import { WebhookError, deliverWebhook } from './webhook';

/**
 * The plugin host as the job layer sees it (a port, so jobs do not depend on plugins): the
 * services handed to plugin code, and the plugin job workers.
 */
export interface PluginPort {
  services(plugin: string, principal: Principal, tx?: Transaction<Database>): PluginServices;
  startWorkers(): Promise<void>;
  stopWorkers(): Promise<void>;
}

/** What running one action needs. */
export interface ActionEnv {
  db: Kysely<Database>;
  registry: Registry;
  store: RecordStore;
  env: Record<string, string | undefined>;
  now: () => Date;
  webhookTimeoutMs: number;
  /** Non-public destinations `core.webhook` may reach (PIPEWRIGHT_WEBHOOK_ALLOW_PRIVATE); default none. */
  webhookAllowPrivate?: PrivateAllowList;
  /** Services for plugin action handlers (the platform always gives them; bare test setups may not). */
  plugins?: Pick<PluginPort, 'services'>;
}

/** An action of a job with its idempotency key resolved (see `actionKey`). */
type Action = ActionJob['actions'][number] & { key: string };
const PROCESS = systemPrincipal('process');

/**
 * Thrown for a failure retrying cannot fix (no handler, no secret): recorded as an incident at once.
 *
 * @example
 * ```ts
 * throw new PermanentActionError('No handler is registered for action type "acme.x".');
 * ```
 */
export class PermanentActionError extends Error {}

/**
 * Runs one action at least once and its effect once: database actions write their effect and
 * their `action_runs` row in one transaction (a re-delivery finds the row and stops); outside
 * effects (webhooks, plugin handlers) run first and are recorded after, so a crash in between
 * repeats them with the same idempotency key. Returns false when the action had already run.
 *
 * @example
 * ```ts
 * await runAction(env, job, job.actions[0]);
 * ```
 */
export async function runAction(e: ActionEnv, job: ActionJob, a: Action): Promise<boolean> {
  if (await e.db.selectFrom('action_runs').select('key').where('key', '=', a.key).executeTakeFirst()) return false;
  if (a.type === 'core.set_field' || a.type === 'core.notify') {
    return e.db.transaction().execute(async (tx) => {
      const claimed = await tx.insertInto('action_runs').values({ key: a.key, record_id: job.record.id, action_type: a.type, status: 'done', result: null, error: null, attempts: 1, finished_at: e.now() }).onConflict((oc) => oc.column('key').doNothing()).returning('key').executeTakeFirst();
      if (!claimed) return false;
      const record = await tx.selectFrom('records').selectAll().where('id', '=', job.record.id).forUpdate().executeTakeFirst();
      if (!record) return true;
      const result = await runBuiltin(e, tx, job, a, record);
      await tx.updateTable('action_runs').set({ result: JSON.stringify(result ?? null) }).where('key', '=', a.key).execute();
      return true;
    });
  }
  const record = await e.db.selectFrom('records').selectAll().where('id', '=', job.record.id).executeTakeFirst();
  let result: unknown;
  if (a.type === 'core.webhook') result = await runWebhook(e, job, a, record);
  else result = await runPluginAction(e, job, a, record);
  await e.db.insertInto('action_runs').values({ key: a.key, record_id: job.record.id, action_type: a.type, status: 'done', result: JSON.stringify(result ?? null), error: null, attempts: 1, finished_at: e.now() }).onConflict((oc) => oc.column('key').doNothing()).execute();
  return true;
}

async function runBuiltin(e: ActionEnv, tx: Transaction<Database>, job: ActionJob, a: Action, record: Selectable<RecordTable>): Promise<unknown> {
  const view = toView(record);
  const at = e.now();
  if (a.type === 'core.set_field') {
    const field = String(a.config.field);
    const data = mergePatch(view.data, { [field]: a.config.value ?? null });
    // The record is locked (`for update` above), so the compare-and-set cannot lose.
    const written = await updateRecord(tx, record, { data }, { action: 'update', actor: PROCESS, at, meta: { action: a.key, type: a.type, transition: job.transition } });
    if (!written) throw new Error(`record ${record.id} changed while locked for ${a.key}`);
    return { field, version: written.after.version };
  }
  const users = await recipients(tx, record, a.config.to as Assignee | undefined);
  const texts = notifyTexts(a.config, view.data);
  const n = await notify(tx, users, { kind: 'process', key: a.key, title: texts.title.en ?? '', body: texts.body?.en ?? null, record: { id: record.id, type: record.type }, data: { transition: job.transition, from: job.from, to: job.to, i18n: texts }, at });
  return { notified: n };
}

async function runWebhook(e: ActionEnv, job: ActionJob, a: Action, record: Selectable<RecordTable> | undefined): Promise<unknown> {
  const secretEnv = typeof a.config.secretEnv === 'string' ? a.config.secretEnv : DEFAULT_WEBHOOK_SECRET_ENV;
  // Published before the checker knew the rule: still never sign with another variable.
  if (!isAllowedSecretEnv(secretEnv)) throw new PermanentActionError(`The webhook signing secret must come from ${DEFAULT_WEBHOOK_SECRET_ENV} or ${WEBHOOK_SECRET_ENV_PREFIX}<NAME>, not ${secretEnv}.`);
  const secret = e.env[secretEnv];
  if (!secret) throw new PermanentActionError(`The webhook signing secret ${secretEnv} is not set.`);
  const view = record ? toView(record) : null;
  const payload = {
    id: a.key,
    event: typeof a.config.event === 'string' ? a.config.event : 'record.transitioned',
    occurredAt: job.at,
    transition: { process: job.process.id, version: job.process.version, from: job.from, to: job.to, transition: job.transition, actor: job.actor },
    record: view ? { id: view.id, type: view.type, stage: view.stage, version: view.version, owner: view.owner, data: view.data } : { id: job.record.id, type: job.record.type },
  };
  try {
    return await deliverWebhook({ url: String(a.config.url), secret, id: a.key, payload, timeoutMs: e.webhookTimeoutMs, now: e.now, ...(e.webhookAllowPrivate ? { allowPrivate: e.webhookAllowPrivate } : {}) });
  } catch (err) {
    if (err instanceof WebhookError && err.permanent) throw new PermanentActionError(err.message);
    throw err;
  }
}

/**
 * Whether an action type is one the runtime implements itself.
 *
 * @example
 * ```ts
 * isBuiltinAction('core.webhook'); // true
 * ```
 */
export const isBuiltinAction = (type: string): boolean => BUILTIN_ACTION_TYPES.has(type);

/**
 * A notify action's title and body rendered in every language the action gives, plus English
 * (the stored text; `textIn` falls back to English, else the first language written).
 *
 * @example
 * ```ts
 * notifyTexts({ title: { en: 'Won: {{name}}', 'zh-CN': '赢单：{{name}}' } }, { name: 'Acme' }).title['zh-CN']; // '赢单：Acme'
 * ```
 */
export function notifyTexts(config: Record<string, unknown>, data: Record<string, unknown>): { title: Record<string, string>; body?: Record<string, string> } {
  const render = (text: unknown): Record<string, string> | undefined => {
    if (text === undefined || text === null) return undefined;
    if (typeof text === 'string') return { en: renderTemplate(text, data) };
    const byLocale = text as Record<string, string>;
    const out: Record<string, string> = {};
    for (const locale of new Set(['en', ...Object.keys(byLocale)])) out[locale] = renderTemplate(textIn(byLocale, locale), data);
    return out;
  };
  const body = render(config.body);
  return { title: render(config.title) ?? { en: '' }, ...(body ? { body } : {}) };
}
