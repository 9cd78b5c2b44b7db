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
    rules?: string[];
    dashboards?: string[];
    actionTypes?: ActionTypeDeclaration[];
    operators?: OperatorDeclaration[];
    metrics?: MetricDeclaration[];
  };
  runtime?: string;
  studio?: string;
}

export interface ActionTypeDeclaration {
  id: string;
  title: string;
  description?: string;
  configSchema?: SchemaObject;
}

export interface OperatorDeclaration {
  id: string;
  title: string;
  description?: string;
  signature: { params: FieldType[]; variadic?: FieldType; returns: FieldType };
}

export interface MetricDeclaration {
  id: string;
  title: string;
  description?: string;
  entity: string;
  aggregate: 'count' | 'sum' | 'avg' | 'min' | 'max';
  field?: string;
  where?: unknown;
  unit?: string;
}

/** An entity definition file (`schemas/*.schema.json` in a plugin). */
export interface EntityDefinition {
  id: string;
  label: string;
  labelPlural: string;
  description?: string;
  titleField?: string;
  stageful?: boolean;
  schema: SchemaObject & { type: 'object'; properties: Record<string, SchemaObject> };
  references?: Record<string, { entity: string; lookup?: string }>;
  indexes?: { fields: string[]; unique?: boolean }[];
  ui?: { form?: SchemaObject; listColumns?: string[]; searchFields?: string[]; icon?: string };
}

/** Scalar kind of a top-level body field, derived from its schema; drives casts in SQL. */
export interface FieldInfo {
  name: string;
  type: FieldType;
  /** `money` for the shared money type: filter and sort use its `amount`. */
  format?: 'date' | 'date-time' | 'money' | 'uuid' | 'email' | 'uri';
  required: boolean;
  enum?: readonly unknown[];
  reference?: { entity: string; lookup?: string };
  title?: string;
}

/** An entity as the registry holds it: definition plus its compiled validator. */
export interface LoadedEntity extends EntityDefinition {
  /** `<plugin>.<id>`, e.g. `pipeline.deal`. */
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
