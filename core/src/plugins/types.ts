import type { LocalizableText } from '../i18n/text';
import type { ValidateFunction } from '../validation/ajv';

/** JSON Schema object as authored (2020-12). */
export type SchemaObject = { [key: string]: unknown };

/** Value types used by operator signatures and field descriptions. */
export type FieldType = 'any' | 'number' | 'string' | 'boolean' | 'date' | 'array' | 'object' | 'null';

/** `plugin.json`, as validated by `plugin-manifest.schema.json`. */
export interface PluginManifest {
  id: string;
  name: string;
  version: string;
  apiVersion: number;
  description?: string;
  dependsOn?: Record<string, string>;
  contributes?: {
    entities?: string[];
    processes?: string[];
    /** Ids of shipped processes the runtime publishes at start when they have none published. */
    publishProcesses?: string[];
    rules?: string[];
    dashboards?: string[];
    /** Demo data documents (see {@link DemoDataDocument}) the demo seed imports. */
    demo?: string[];
    actionTypes?: ActionTypeDeclaration[];
    operators?: OperatorDeclaration[];
    metrics?: MetricDeclaration[];
  };
  runtime?: string;
  studio?: string;
}

/**
 * A plugin's demo data: records imported through the CSV importer (`mapping` as for
 * `POST /api/imports`, lookups and `$owner` included) from `rows`, one object per CSV row;
 * the `dateColumns` (dates, date-times, months `2017-07` and quarters `2017-Q3`) move by the
 * demo's whole-year shift, as the platform's own demo deals do.
 */
export interface DemoDataDocument {
  mapping: { entity: string } & Record<string, unknown>;
  dateColumns?: string[];
  rows: Record<string, string | number | boolean | null>[];
}

export interface ActionTypeDeclaration {
  id: string;
  /** The designer's name for it: English only (older manifests) or English and Simplified Chinese. */
  title: string | LocalizedText;
  description?: string | LocalizedText;
  configSchema?: SchemaObject;
  /**
   * Labels of the configuration's fields in the designer's generated form, by field name; a
   * nested member by its dotted path (`assignTo.role`).
   */
  fields?: Record<string, LocalizedText>;
  /** Help texts of those fields (shown under them), by field name or path; one per field whose schema has a description. */
  help?: Record<string, LocalizedText>;
  /** Labels of enum values, by field name or path, then by value (`{ kind: { call: { en: 'Call', 'zh-CN': '电话' } } }`). */
  enums?: Record<string, Record<string, LocalizedText>>;
  /** Former full ids stored process versions may still name (e.g. `core.create_activity`). */
  aliases?: string[];
}

export interface OperatorDeclaration {
  id: string;
  title: string;
  description?: string;
  signature: { params: FieldType[]; variadic?: FieldType; returns: FieldType };
}

/** A user-visible text in English and Simplified Chinese. */
export interface LocalizedText {
  en: string;
  'zh-CN': string;
}

/** Aggregates a metric may compute over its records. */
export type MetricAggregate = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'median' | 'percentile';

/**
 * What a metric computes: a count, an aggregate of a field (money by its amount) or of the time
 * between two fields, or a ratio of sums of other metrics of the same plugin.
 */
export type MetricMeasure =
  | { aggregate: 'count' }
  | {
      aggregate: Exclude<MetricAggregate, 'count'>;
      field?: string;
      duration?: { from: string; to: string };
      percentile?: number;
      weight?: 'stageProbability';
    }
  | { ratio: { numerator: string[]; denominator: string[] } };

/** A metric a plugin declares in `contributes.metrics` (schemas/plugin-manifest.schema.json). */
export interface MetricDeclaration {
  id: string;
  label: LocalizedText;
  description?: LocalizedText;
  entity: string;
  measure: MetricMeasure;
  /** json-logic rule over the record body, translated to SQL. */
  filter?: Record<string, unknown>;
  /** Only records whose stage, in the process version they are pinned to, is of these kinds. */
  stageKinds?: ('open' | 'won' | 'lost')[];
  /** Field placing a record in a period: a date or date-time body field, `createdAt` or `updatedAt`. */
  time?: string;
  /** Body fields (enums, references) the metric may be split by; default: all of them. */
  dimensions?: string[];
  unit?: 'count' | 'money' | 'days' | 'hours' | 'ratio' | 'number';
  currency?: string;
}

/** An entity definition file (`schemas/*.schema.json` in a plugin). */
export interface EntityDefinition {
  id: string;
  label: string;
  labelPlural: string;
  description?: string;
  titleField?: string;
  stageful?: boolean;
  /** Short path for the transitions and history of a stageful entity: `/api/<apiAlias>/{id}/...`. */
  apiAlias?: string;
  schema: SchemaObject & { type: 'object'; properties: Record<string, SchemaObject> };
  references?: Record<string, { entity: string; lookup?: string }>;
  /** Body fields naming users (a user id or an array of them) who may read the record. */
  audience?: string[];
  /** `method: 'trigram'`: one text field, a pg_trgm GIN index for similarity search (`records.similar`). */
  indexes?: { fields: string[]; unique?: boolean; method?: 'btree' | 'trigram' }[];
  /** Its records are touches of the records they reference, dated by the body field `at` (see `GET /api/records/{type}/touches`). */
  touch?: { at: string; done?: string };
  ui?: { form?: SchemaObject; listColumns?: string[]; searchFields?: string[]; cardFields?: string[]; icon?: string };
  /** Changes of these fields outside transitions that wait for approvers (ADR 028, addendum). */
  approvals?: EntityApproval[];
}

/**
 * An approval on record changes outside transitions (审批, ADR 028 addendum): an update changing
 * one of `fields` for which `when` (json-logic over `{ old, new }`, the body before and after the
 * merge patch) holds is held as a request until `required` of the approvers approve; the last
 * approval applies the patch as the requester on the version it was asked on.
 */
export interface EntityApproval {
  id: string;
  /** In English and Simplified Chinese (the schema requires both). */
  label: LocalizableText;
  fields: string[];
  when?: unknown;
  approvers: ({ role: string; user?: undefined } | { user: string; role?: undefined })[];
  required?: number;
  mode?: 'parallel' | 'sequential';
  /** ISO 8601 duration after which a waiting request escalates, once. */
  timeout?: string;
  escalateTo?: { role: string };
}

/** Scalar kind of a top-level body field, derived from its schema; drives casts in SQL. */
export interface FieldInfo {
  name: string;
  type: FieldType;
  /** `money` for the shared money type: filter and sort use its `amount`. */
  /** `user`: a user's id (the shared `userId` type); readers are shown the user's name. */
  format?: 'date' | 'date-time' | 'money' | 'uuid' | 'email' | 'uri' | 'user';
  required: boolean;
  enum?: readonly unknown[];
  reference?: { entity: string; lookup?: string };
  title?: string;
}

/** An entity as the registry holds it: definition plus its compiled validator. */
export interface LoadedEntity extends EntityDefinition {
  /** `<plugin>.<id>`, e.g. `acme.ticket`. */
  fullId: string;
  plugin: string;
  file: string;
  fields: ReadonlyMap<string, FieldInfo>;
  validate: ValidateFunction;
}

/** A document (process or rule) contributed by a plugin. */
export interface ContributedDocument<T = unknown> {
  fullId: string;
  plugin: string;
  file: string;
  document: T;
}

/** Where a plugin's files come from. The runtime implements it over a folder; tests over memory. */
export interface PluginSource {
  /** Folder path or other human-readable location, used in error messages. */
  location: string;
  /** Parsed JSON of a file relative to the plugin folder; rejects if it is missing or not JSON. */
  readJson(relativePath: string): Promise<unknown>;
  /** Imports a module relative to the plugin folder (the plugin's runtime part). */
  importModule?(relativePath: string): Promise<unknown>;
}
