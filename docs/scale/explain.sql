-- The query shapes docs/scale.md reasons about, on the million-deal data set (`npm run gen -- --deals 1000000`, or million-deals.sql).
-- Run: psql -f docs/scale/explain.sql <database>   (EXPLAIN ANALYZE: times are of a busy, shared 2-core machine)
\pset pager off
-- Parameters picked from the data, so the file runs on any data set (million-deals.sql or npm run gen):
-- a deal, its owner, a region's teams, the most common open stage, the deals' process.
select id as deal from records where type = 'pipeline.deal' order by id offset (select count(*) / 2 from records where type = 'pipeline.deal') limit 1 \gset
select owner_id as owner from records where type = 'pipeline.deal' and owner_id is not null group by owner_id order by count(*) desc limit 1 \gset
select '{' || string_agg(id, ',') || '}' as teams from org_units where parent_id = (select id from org_units where kind = 'region' order by id limit 1) \gset
select stage as stage from records where type = 'pipeline.deal' and stage not in ('won', 'lost') group by stage order by count(*) desc limit 1 \gset
select process_id as process from stage_history group by process_id order by count(*) desc limit 1 \gset
\echo deal :deal owner :owner teams :teams stage :stage process :process

\echo '== Q1 one record by id (the transition read; single-shard under both schemes)'
explain (analyze, buffers, costs off) select * from records where id = :'deal' and deleted_at is null;

\echo '== Q2 a record''s stage history (single-shard by workspace, and by record id)'
explain (analyze, buffers, costs off) select * from stage_history where record_id = :'deal' order by id;

\echo '== Q3 a rep''s newest deals (list page)'
explain (analyze, buffers, costs off) select * from records where type = 'pipeline.deal' and deleted_at is null and owner_id = :'owner' order by created_at desc, id desc limit 50;

\echo '== Q4 a board column for a region manager (open stays of one stage, subtree visibility, newest entry first; the shape of runtime/src/records/stage-column.ts)'
explain (analyze, buffers, costs off) select records.*, h.entered_at as entered_stage_at
from (select s.record_id, s.entered_at from stage_history s where s.record_type = 'pipeline.deal' and s.stage = :'stage' and s.exited_at is null) as h
join records on records.id = h.record_id
where records.type = 'pipeline.deal' and records.stage = :'stage' and records.deleted_at is null and records.org_unit_id = any(:'teams')
order by h.entered_at desc, h.record_id asc limit 51;

\echo '== Q5 open pipeline value per team across the company tree (metric roll-up)'
explain (analyze, buffers, costs off) select org_unit_id, count(*), sum((data->'amount'->>'amount')::numeric) from records where type = 'pipeline.deal' and deleted_at is null and stage not in ('won', 'lost') group by org_unit_id;

\echo '== Q6 time in stage for the whole company (the pipeline query: percentiles over stage_history)'
explain (analyze, buffers, costs off)
select h.stage,
  count(*) filter (where h.exited_at is not null)::int as finished,
  avg(extract(epoch from h.exited_at - h.entered_at) / 86400.0) filter (where h.exited_at is not null) as mean_days,
  percentile_cont(0.5) within group (order by extract(epoch from h.exited_at - h.entered_at) / 86400.0) filter (where h.exited_at is not null) as median_days,
  percentile_cont(0.9) within group (order by extract(epoch from h.exited_at - h.entered_at) / 86400.0) filter (where h.exited_at is not null) as p90_days,
  count(*) filter (where h.exited_at is null)::int as current
from stage_history h join records on records.id = h.record_id
where h.process_id = :'process' and records.deleted_at is null and h.entered_at <= now()
group by h.stage;
