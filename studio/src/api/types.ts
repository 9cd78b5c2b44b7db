import type { RecordView } from '@pipewright/core/api';

/** JSON Schema object as served by the API (2020-12). */
export type JsonSchema = { [keyword: string]: unknown };

/** A top-level field of an entity, as `GET /api/entities` describes it. */
export interface FieldInfo {
  name: string;
  type: 'any' | 'number' | 'string' | 'boolean' | 'date' | 'array' | 'object' | 'null';
  /** `user`: a user's id; shown by the user's name. */
  format?: 'date' | 'date-time' | 'money' | 'uuid' | 'email' | 'uri' | 'user';
  required: boolean;
  enum?: readonly unknown[];
  reference?: { entity: string; lookup?: string };
  title?: string;
  /** Enum value labels in the reader's language (plugin translations; see plugins/localize.ts). */
  enumLabels?: Readonly<Record<string, string>>;
}

/** An entity definition from `GET /api/entities`. */
export interface EntityInfo {
  fullId: string;
  id: string;
  plugin: string;
  label: string;
  labelPlural: string;
  description?: string;
  titleField?: string;
  stageful?: boolean;
  schema: JsonSchema & { properties: Record<string, JsonSchema> };
  references?: Record<string, { entity: string; lookup?: string }>;
  ui?: { form?: JsonSchema; listColumns?: string[]; searchFields?: string[]; cardFields?: string[]; icon?: string };
  /** Its records are touches of the records they reference (dated by `at`, counted when `done`). */
  touch?: { at: string; done?: string };
  fields: FieldInfo[];
  /** Stage labels in the reader's language, by stage id (plugin translations; see plugins/localize.ts). */
  stageLabels?: Readonly<Record<string, string>>;
}


export type { RecordView };

/** One page of `GET /api/records/:type`. */
export interface RecordPage {
  items: RecordView[];
  nextCursor: string | null;
  total?: number;
}

/** The first page and total of one stage's records (`GET /api/records/:type/columns`). */
export interface ColumnPage {
  stage: string;
  items: RecordView[];
  nextCursor: string | null;
  total: number;
}

/** One entry of a record's audit trail (`GET /api/records/:type/:id/events`). */
export interface RecordEvent {
  id: string;
  action: string;
  actor: string;
  at: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  meta: Record<string, unknown> | null;
}

/** One located problem of an RFC 9457 document. */
export interface ProblemDetail {
  pointer: string;
  message: string;
  code?: string;
  parameter?: string;
  params?: Record<string, unknown>;
}

/** An RFC 9457 problem document as the runtime sends it. */
export interface ProblemDocument {
  type?: string;
  title?: string;
  status: number;
  detail: string;
  code: string;
  errors?: ProblemDetail[];
  [extension: string]: unknown;
}
