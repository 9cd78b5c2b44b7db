import { escapePointer, ajvDetails } from '../validation/ajv';
import type { SchemaObject as JsonSchema, LoadedEntity } from '../plugins/types';
import { ajvOf, compileSchema, type ProcessContext } from './context';
import { DEFAULT_WEBHOOK_SECRET_ENV, isAllowedSecretEnv, WEBHOOK_SECRET_ENV_PREFIX } from './secrets';
import type { ActionDefinition } from './types';

type Add = (pointer: string, code: string, message: string, params?: Record<string, unknown>) => void;
type Lookup = (ctx: ProcessContext, type: string) => { configSchema?: JsonSchema } | undefined;

/**
 * Checks a transition's actions: known type (built-in `core.*` or contributed by a plugin),
 * configuration valid against the type's `configSchema`, unique ids, and for the built-ins
 * the fields and entities they name.
 *
 * @example
 * ```ts
 * checkActions(transition.actions ?? [], '/transitions/0/actions', add, ctx, entity, actionTypeOf);
 * ```
 */
export function checkActions(actions: readonly ActionDefinition[], at: string, add: Add, ctx: ProcessContext, entity: LoadedEntity | undefined, lookup: Lookup): void {
  const ids = new Set<string>();
  actions.forEach((a, j) => {
    const here = `${at}/${j}`;
    if (a.id !== undefined) {
      if (ids.has(a.id)) add(`${here}/id`, 'duplicate-action', `Action id "${a.id}" is used twice in this transition.`);
      ids.add(a.id);
    }
    const type = lookup(ctx, a.type);
    if (!type) {
      add(`${here}/type`, 'unknown-action-type', `There is no action type "${a.type}".`);
      return;
    }
    const config = a.config ?? {};
    if (type.configSchema) {
      const validate = compileSchema(ajvOf(ctx), type.configSchema);
      if (!validate(config)) {
        for (const d of ajvDetails(validate.errors, `${here}/config`)) add(d.pointer, 'invalid-action-config', d.message, { ...d.params, keyword: d.code, actionType: a.type });
        return;
      }
    }
    if (a.type === 'core.set_field' && entity) {
      const field = String(config.field);
      const info = entity.fields.get(field);
      if (!info) add(`${here}/config/field`, 'unknown-field', `"${field}" is not a field of ${entity.fullId}.`);
      else if (config.value !== null) {
        const schema = (entity.schema.properties as Record<string, JsonSchema>)[field] as JsonSchema;
        const validate = compileSchema(ajvOf(ctx), schema);
        if (!validate(config.value)) add(`${here}/config/value`, 'invalid-value', `The value does not fit field "${escapePointer(field)}": ${ajvDetails(validate.errors).map((d) => d.message).join('; ')}`);
      }
    }
    if (a.type === 'core.webhook' && typeof config.secretEnv === 'string' && !isAllowedSecretEnv(config.secretEnv)) {
      add(`${here}/config/secretEnv`, 'secret-env-not-allowed', `A webhook's signing secret must come from ${DEFAULT_WEBHOOK_SECRET_ENV} or a variable named ${WEBHOOK_SECRET_ENV_PREFIX}<NAME>; "${config.secretEnv}" is not one.`);
    }
    const role = (config.to as { role?: string } | undefined)?.role ?? (config.assignTo as { role?: string } | undefined)?.role;
    if (role !== undefined && ctx.roles && !ctx.roles.includes(role)) add(`${here}/config`, 'unknown-role', `There is no role "${role}" (known: ${ctx.roles.join(', ')}).`);
  });
}
