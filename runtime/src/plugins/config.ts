import { PluginError, ajvDetails, createAjv, type PluginConfigDeclaration } from '@pipewright/core';

/**
 * The environment variable of one configuration property: `PIPEWRIGHT_PLUGIN_<PLUGIN>_<PROPERTY>`,
 * upper-case (`acme_visits` + `max_per_day` -> `PIPEWRIGHT_PLUGIN_ACME_VISITS_MAX_PER_DAY`).
 *
 * @example
 * ```ts
 * configVariable('acme_visits', 'max_per_day'); // 'PIPEWRIGHT_PLUGIN_ACME_VISITS_MAX_PER_DAY'
 * ```
 */
export function configVariable(plugin: string, property: string): string {
  return `PIPEWRIGHT_PLUGIN_${plugin}_${property}`.toUpperCase();
}

/**
 * Reads a plugin's configuration from the environment: one variable per property of its
 * `config.schema` (numbers and integers as numbers, booleans as `true`/`false`, objects and
 * arrays as JSON, anything else as text), defaults from the schema, then the schema checks the
 * whole. A bad value stops the start with a {@link PluginError} naming the variable.
 *
 * @example
 * ```ts
 * readPluginConfig('acme_visits', { schema: { type: 'object', properties: { max_per_day: { type: 'integer', default: 8 } } } }, process.env);
 * // { max_per_day: 8 }
 * ```
 */
export function readPluginConfig(plugin: string, declaration: PluginConfigDeclaration | undefined, env: Record<string, string | undefined>): Readonly<Record<string, unknown>> {
  if (!declaration) return Object.freeze({});
  const values: Record<string, unknown> = {};
  const fail = (property: string, message: string): never => {
    throw new PluginError({ code: 'plugin.invalid-config', plugin, file: configVariable(plugin, property), pointer: `/${property}`, message: `Plugin "${plugin}": ${configVariable(plugin, property)} ${message}` });
  };
  for (const [name, schema] of Object.entries(declaration.schema.properties)) {
    const raw = env[configVariable(plugin, name)];
    if (raw === undefined) {
      if (Object.hasOwn(schema, 'default')) values[name] = structuredClone(schema.default);
      continue;
    }
    const type = schema.type;
    if (type === 'number' || type === 'integer') {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) fail(name, `must be a number; got "${raw}".`);
      values[name] = n;
    } else if (type === 'boolean') {
      if (raw !== 'true' && raw !== 'false') fail(name, `must be true or false; got "${raw}".`);
      values[name] = raw === 'true';
    } else if (type === 'object' || type === 'array') {
      try {
        values[name] = JSON.parse(raw);
      } catch {
        fail(name, 'must be JSON.');
      }
    } else values[name] = raw;
  }
  const validate = createAjv().compile(declaration.schema);
  if (!validate(values)) {
    const first = ajvDetails(validate.errors)[0];
    const property = first?.pointer.split('/')[1] ?? '';
    fail(property, `is not valid: ${first?.pointer ?? ''} ${first?.message ?? ''}`.trim() + '.');
  }
  return Object.freeze(values);
}
