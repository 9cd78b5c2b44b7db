/**
 * The JSON Schemas (2020-12) of every format Pipewright reads. Each document is exported as
 * imported from its `*.schema.json` file; `schemaDocuments` lists them all so a validator can
 * preload them (they reference each other by `$id`).
 */
import dashboardJson from '../dashboard.schema.json' with { type: 'json' };
import entityJson from '../entity.schema.json' with { type: 'json' };
import handoffPolicyJson from '../handoff-policy.schema.json' with { type: 'json' };
import objectiveJson from '../objective.schema.json' with { type: 'json' };
import pluginManifestJson from '../plugin-manifest.schema.json' with { type: 'json' };
import processJson from '../process.schema.json' with { type: 'json' };
import ruleJson from '../rule.schema.json' with { type: 'json' };
import scorecardJson from '../scorecard.schema.json' with { type: 'json' };
import typesJson from '../types.schema.json' with { type: 'json' };

/**
 * A JSON Schema document with a stable `$id`.
 *
 * @example
 * ```ts
 * const doc: SchemaDocument = processSchema;
 * doc.$id; // 'https://pipewright.dev/schemas/process.schema.json'
 * ```
 */
export interface SchemaDocument {
  readonly $schema: string;
  readonly $id: string;
  readonly [keyword: string]: unknown;
}

/**
 * The `$id` of each platform schema. `$defs` are reached as `${SCHEMA_IDS.types}#/$defs/money`.
 *
 * @example
 * ```ts
 * const validate = ajv.getSchema(SCHEMA_IDS.process);
 * const money = { $ref: `${SCHEMA_IDS.types}#/$defs/money` };
 * ```
 */
export const SCHEMA_IDS = {
  pluginManifest: 'https://pipewright.dev/schemas/plugin-manifest.schema.json',
  entity: 'https://pipewright.dev/schemas/entity.schema.json',
  types: 'https://pipewright.dev/schemas/types.schema.json',
  process: 'https://pipewright.dev/schemas/process.schema.json',
  rule: 'https://pipewright.dev/schemas/rule.schema.json',
  scorecard: 'https://pipewright.dev/schemas/scorecard.schema.json',
  objective: 'https://pipewright.dev/schemas/objective.schema.json',
  handoffPolicy: 'https://pipewright.dev/schemas/handoff-policy.schema.json',
  dashboard: 'https://pipewright.dev/schemas/dashboard.schema.json',
} as const;

/**
 * Plugin manifest (`plugin.json`): id, version, apiVersion, dependencies and contributions.
 *
 * @example
 * ```ts
 * ajv.validate(pluginManifestSchema, JSON.parse(text));
 * ```
 */
export const pluginManifestSchema: SchemaDocument = pluginManifestJson;

/**
 * Entity definition (`schemas/*.schema.json` in a plugin): body schema plus reference, index and UI hints.
 *
 * @example
 * ```ts
 * ajv.validate(entitySchema, { id: 'account', label: 'Account', labelPlural: 'Accounts', schema: { type: 'object', properties: {} } });
 * ```
 */
export const entitySchema: SchemaDocument = entityJson;

/**
 * Shared value types (`$defs`: money, date, datetime, recordId, userId, email, phone, url, percent).
 *
 * @example
 * ```ts
 * const amount = { $ref: `${typesSchema.$id}#/$defs/money` };
 * ```
 */
export const typesSchema: SchemaDocument = typesJson;

/**
 * Process (pipeline) definition: stages with requirements and SLAs, transitions with guards and actions.
 *
 * @example
 * ```ts
 * const validate = ajv.compile(processSchema); // after adding schemaDocuments to ajv
 * validate(newBusinessProcess);
 * ```
 */
export const processSchema: SchemaDocument = processJson;

/**
 * Stored rule document; `$defs/logic` is the structural json-logic subset other schemas reference.
 *
 * @example
 * ```ts
 * ajv.validate(`${SCHEMA_IDS.rule}#/$defs/logic`, { '>': [{ var: 'employees' }, 1000] }); // true
 * ```
 */
export const ruleSchema: SchemaDocument = ruleJson;

/**
 * Scorecard definition: weighted dimensions scored from metrics, formulas or manual ratings.
 *
 * @example
 * ```ts
 * ajv.validate(SCHEMA_IDS.scorecard, scorecardDocument);
 * ```
 */
export const scorecardSchema: SchemaDocument = scorecardJson;

/**
 * Objective with key results, cascading company -> region -> team -> rep.
 *
 * @example
 * ```ts
 * ajv.validate(SCHEMA_IDS.objective, { id: 'grow', title: 'Grow', level: 'company', period: { start: '2026-01-01', end: '2026-12-31' }, keyResults: [{ id: 'visits', title: '2,000 visits', metric: 'crm.visits', target: 2000 }] });
 * ```
 */
export const objectiveSchema: SchemaDocument = objectiveJson;

/**
 * Handoff policy: who hands what to whom, routing with capacity caps, acceptance SLA, escalation.
 *
 * @example
 * ```ts
 * ajv.validate(SCHEMA_IDS.handoffPolicy, policyDocument);
 * ```
 */
export const handoffPolicySchema: SchemaDocument = handoffPolicyJson;

/**
 * ISO 4217 currency codes, as the JavaScript runtime itself knows them
 * (`Intl.supportedValuesOf('currency')`, from its ICU data): no hand-written list to go stale.
 *
 * @example
 * ```ts
 * ISO_4217_CURRENCIES.includes('EUR'); // true
 * ```
 */
export const ISO_4217_CURRENCIES: readonly string[] = Object.freeze([...Intl.supportedValuesOf('currency')]);
const currencySet = new Set(ISO_4217_CURRENCIES);

/**
 * Formats the platform schemas use beyond JSON Schema's own: `iso4217` (a currency code in
 * {@link ISO_4217_CURRENCIES}). Register them on a validator next to ajv-formats.
 *
 * @example
 * ```ts
 * for (const [name, validate] of Object.entries(PLATFORM_FORMATS)) ajv.addFormat(name, { type: 'string', validate });
 * ```
 */
export const PLATFORM_FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  iso4217: (value) => currencySet.has(value),
};

/**
 * Dashboard: a grid of widgets, each a metric query plus a chart kind, with titles in en and zh-CN.
 *
 * @example
 * ```ts
 * ajv.validate(SCHEMA_IDS.dashboard, { id: 'sales', title: { en: 'Sales', 'zh-CN': '销售' }, widgets: [] });
 * ```
 */
export const dashboardSchema: SchemaDocument = dashboardJson;

/**
 * Every platform schema, for preloading into one validator (they `$ref` each other by `$id`).
 *
 * @example
 * ```ts
 * const ajv = new Ajv2020({ strict: true });
 * addFormats(ajv);
 * for (const [name, validate] of Object.entries(PLATFORM_FORMATS)) ajv.addFormat(name, { type: 'string', validate });
 * for (const doc of schemaDocuments) ajv.addSchema(doc);
 * ```
 */
export const schemaDocuments: readonly SchemaDocument[] = [
  pluginManifestSchema,
  entitySchema,
  typesSchema,
  processSchema,
  ruleSchema,
  scorecardSchema,
  objectiveSchema,
  handoffPolicySchema,
  dashboardSchema,
];
