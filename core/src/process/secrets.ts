import type { SchemaObject as JsonSchema } from '../plugins/types';
import type { ProcessDefinition } from './types';

/** What a secret configuration value reads as for those who may not see it. */
export const REDACTED = '[redacted]';

/**
 * A webhook's `secretEnv` must name a variable with this prefix (or be exactly
 * `PIPEWRIGHT_WEBHOOK_SECRET`, the default): a process definition cannot make the runtime sign
 * deliveries with `DATABASE_URL` or any other variable of the server's environment.
 */
export const WEBHOOK_SECRET_ENV_PREFIX = 'PIPEWRIGHT_WEBHOOK_SECRET_';
export const DEFAULT_WEBHOOK_SECRET_ENV = 'PIPEWRIGHT_WEBHOOK_SECRET';

/**
 * Whether a webhook may take its signing key from this environment variable.
 *
 * @example
 * ```ts
 * isAllowedSecretEnv('PIPEWRIGHT_WEBHOOK_SECRET_CRM'); // true
 * isAllowedSecretEnv('DATABASE_URL'); // false
 * ```
 */
export function isAllowedSecretEnv(name: string): boolean {
  return name === DEFAULT_WEBHOOK_SECRET_ENV || (name.startsWith(WEBHOOK_SECRET_ENV_PREFIX) && /^[A-Z0-9_]+$/.test(name) && name.length > WEBHOOK_SECRET_ENV_PREFIX.length && name.length <= 63);
}

/** The configuration properties an action type marks `writeOnly` (secrets: URLs with tokens, headers). */
export function secretProperties(configSchema: JsonSchema | undefined): string[] {
  const props = (configSchema?.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(props)
    .filter(([, s]) => s.writeOnly === true)
    .map(([name]) => name);
}

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') {
    // A URL keeps its scheme and host (where it goes), never its path, query or credentials.
    if (/^https?:\/\//i.test(value)) {
      try {
        return `${new URL(value).origin}/${REDACTED}`;
      } catch {
        return REDACTED;
      }
    }
    return REDACTED;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED]));
  return REDACTED;
}

/**
 * A copy of a process definition whose actions' secret configuration values (the properties
 * their action type's config schema marks `writeOnly`) are redacted: a URL keeps only its
 * origin, an object (headers) its keys, anything else reads `[redacted]`.
 *
 * @example
 * ```ts
 * redactProcessSecrets(def, (type) => secretProperties(actionTypes.get(type)?.configSchema));
 * // webhook url 'https://hooks.example.com/T0/B0/XXXX?token=s' -> 'https://hooks.example.com/[redacted]'
 * ```
 */
export function redactProcessSecrets(def: ProcessDefinition, secretsOf: (actionType: string) => readonly string[]): ProcessDefinition {
  if (!Array.isArray(def.transitions)) return def;
  return {
    ...def,
    transitions: def.transitions.map((t) =>
      !Array.isArray(t.actions)
        ? t
        : {
            ...t,
            actions: t.actions.map((a) => {
              const secrets = secretsOf(a.type).filter((k) => a.config && Object.hasOwn(a.config, k));
              if (!a.config || secrets.length === 0) return a;
              return { ...a, config: { ...a.config, ...Object.fromEntries(secrets.map((k) => [k, redactValue(a.config?.[k])])) } };
            }),
          },
    ),
  };
}
