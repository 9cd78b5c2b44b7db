-- A million-deal data set for docs/scale.md's EXPLAIN output, built with generate_series in a
-- throwaway database whose schema a runtime created (migrations and entity indexes).
-- 1 company, 3 regions, 12 teams, 240 reps; 1,000,000 deals in the default process
-- (new_business) with 3 stays each (3,000,000 stage_history rows) and a create event each.
-- Run: psql -v ON_ERROR_STOP=1 -f docs/scale/million-deals.sql <database>
set synchronous_commit = off;
insert into org_units (id, name, kind, parent_id) values ('co', 'Company', 'company', null);
insert into org_units (id, name, kind, parent_id) select 'r' || r, 'Region ' || r, 'region', 'co' from generate_series(1, 3) r;
insert into org_units (id, name, kind, parent_id) select 't' || t, 'Team ' || t, 'team', 'r' || (1 + (t - 1) / 4) from generate_series(1, 12) t;
insert into users (id, name, email, org_unit_id, roles) select 'rep' || u, 'Rep ' || u, 'rep' || u || '@scale.test', 't' || (1 + (u - 1) / 20), '["rep"]' from generate_series(1, 240) u;

create temporary table gen as
  select g, gen_random_uuid() as id, 1 + (g % 240) as rep,
         (array['qualify','discovery','proposal','negotiation','won','lost'])[1 + (g % 6)] as stage,
         timestamptz '2024-01-01' + (g % 700) * interval '1 day' + (g % 86400) * interval '1 second' as created
    from generate_series(1, 1000000) g;

insert into records (id, type, owner_id, org_unit_id, stage, version, data, created_by, updated_by, created_at, updated_at, process_id, process_version)
select id, 'pipeline.deal', 'rep' || rep, 't' || (1 + (rep - 1) / 20), stage, 4,
       jsonb_build_object('name', 'Deal ' || g, 'amount', jsonb_build_object('amount', 1000 + (g::bigint * 7919) % 250000, 'currency', 'USD'), 'close_date', to_char(created + interval '90 days', 'YYYY-MM-DD')),
       'system:gen', 'system:gen', created, created + interval '40 days', 'new_business', 1
  from gen;

insert into stage_history (record_id, record_type, process_id, process_version, stage, from_stage, transition_id, entered_at, entered_by, exited_at, exited_by, snapshot)
select id, 'pipeline.deal', 'new_business', 1, s.stage, s.from_stage, null, created + s.at, 'rep' || rep,
       case when s.last then null else created + s.next_at end, case when s.last then null else 'rep' || rep end, '{}'::jsonb
  from gen cross join lateral (values
    ('qualify', null, interval '0 days', interval '10 days', false),
    ('discovery', 'qualify', interval '10 days', interval '25 days', false),
    (gen.stage, 'discovery', interval '25 days', null, true)) as s(stage, from_stage, at, next_at, last);

insert into events (record_id, record_type, action, actor, at, before, after, meta)
select id, 'pipeline.deal', 'create', 'rep' || rep, created, null, jsonb_build_object('version', 1), null from gen;

analyze;
