import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = JSONColumnType<Record<string, unknown>, string, string>;
type JsonNullable = ColumnType<Record<string, unknown> | null, string | null, string | null>;

/** Org units form a tree: company -> region -> team. */
export interface OrgUnitTable {
  id: string;
  name: string;
  kind: 'company' | 'region' | 'team';
  parent_id: string | null;
  created_at: Generated<Timestamp>;
}

export interface UserTable {
  id: string;
  name: string;
  email: string;
  org_unit_id: string | null;
  roles: ColumnType<string[], string, string>;
  active: Generated<boolean>;
  password_hash: string | null;
  created_at: Generated<Timestamp>;
}

/** Every plugin entity's records: system columns plus a jsonb body. */
export interface RecordTable {
  id: string;
  type: string;
  owner_id: string | null;
  org_unit_id: string | null;
  stage: string | null;
  version: number;
  data: Json;
  created_by: string;
  updated_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

/** Append-only history: one row per change, written in the change's transaction. */
export interface EventTable {
  id: Generated<string>;
  record_id: string | null;
  record_type: string;
  action: string;
  actor: string;
  at: Timestamp;
  before: JsonNullable;
  after: JsonNullable;
  meta: JsonNullable;
}

export interface ImportTable {
  id: string;
  entity: string;
  status: 'running' | 'completed' | 'failed';
  actor: string;
  file_name: string | null;
  total_rows: number;
  imported_rows: number;
  rejected_rows: number;
  report: JsonNullable;
  started_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

export interface Database {
  org_units: OrgUnitTable;
  users: UserTable;
  records: RecordTable;
  events: EventTable;
  imports: ImportTable;
}
