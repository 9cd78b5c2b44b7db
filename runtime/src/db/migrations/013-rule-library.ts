import { sql, type Kysely, type Migration } from 'kysely';

/**
 * The rule library (ADR 032): saved, named rules with immutable versions, and the versions of
 * them a published process version pinned (`process_versions.rules`, id to version).
 */
export const ruleLibrary: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table saved_rules (
        id text primary key,
        name jsonb not null,
        entity text,
        description text,
        latest_version integer not null,
        created_at timestamptz not null,
        created_by text not null,
        updated_at timestamptz not null,
        updated_by text not null
      )`.execute(db);
    await sql`
      create table saved_rule_versions (
        rule_id text not null references saved_rules(id) on delete cascade,
        version integer not null,
        logic jsonb not null,
        author text not null,
        created_at timestamptz not null,
        note text,
        primary key (rule_id, version)
      )`.execute(db);
    await sql`create function pipewright_rule_versions_immutable() returns trigger language plpgsql as $$
      begin raise exception 'saved rule versions are immutable'; end $$`.execute(db);
    await sql`create trigger saved_rule_versions_immutable before update on saved_rule_versions
      for each row execute function pipewright_rule_versions_immutable()`.execute(db);
    await sql`alter table process_versions add column rules jsonb not null default '{}'::jsonb`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    await sql`alter table process_versions drop column rules`.execute(db);
    await sql`drop table saved_rule_versions`.execute(db);
    await sql`drop function pipewright_rule_versions_immutable()`.execute(db);
    await sql`drop table saved_rules`.execute(db);
  },
};
