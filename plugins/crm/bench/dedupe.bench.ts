/**
 * Duplicate prevention (查重) benchmark. Run: `npm run bench:dedupe`. Last line: one JSON object.
 *
 * 1. Quality: the labelled set (labelled-set.ts: the 85 real account names, 15 Chinese names,
 *    their perturbations, 200 names that must not match) through the matcher the crm write hooks
 *    use, on PostgreSQL: recall and precision (goals >= 95%, >= 99%).
 * 2. Speed at 100,000 accounts on PostgreSQL (a throwaway database beside BENCH_DATABASE_URL /
 *    TEST_DATABASE_URL / the local one): the accounts are imported through the platform's
 *    importer with the crm plugin's name key in the file (hooks for 100,000 writes would only
 *    slow the set-up), analysed, then
 *    CHECKS checks run through the plugin's matcher (`findCandidates`: the trigram index search,
 *    the acceptance rules) as the system. Baseline, in the same run and on the same data: the
 *    same search without the index (pg_trgm's similarity() over every account, what a check
 *    costs without the trigram index). The figure is the mean time per check (goal <= 20 ms).
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { systemPrincipal } from '../../../runtime/src/auth/principal';
import { withBenchDatabase } from '../../../runtime/bench/bench-database';
import { loadConfig } from '../../../runtime/src/config';
import { importCsv } from '../../../runtime/src/import/importer';
import { createPlatform } from '../../../runtime/src/platform';
import { DEDUPE, findCandidates, keysOf } from '../src/runtime/dedupe';
import { companyKey } from '../src/runtime/normalise';
import { labelledSet, scoreMatcher } from './labelled-set';
import { loadAndMatch } from './matcher';

const ACCOUNTS = Number(process.env.BENCH_DEDUPE_ACCOUNTS ?? 100_000);
const CHECKS = 300;
const BASELINE_CHECKS = 30;

const PREFIXES = ['Zot', 'Don', 'Hot', 'Fin', 'Gogo', 'Kan', 'Rang', 'Sun', 'Tree', 'Plex', 'Bio', 'Beta', 'Cod', 'Dal', 'Fase', 'Gan', 'Gold', 'Groove', 'Hat', 'Iso', 'Kin', 'Lab', 'Lexi', 'Math', 'Nam', 'New', 'Onto', 'Open', 'Plus', 'Ron', 'Scot', 'Sil', 'Single', 'Son', 'Stan', 'Stat', 'Street', 'Sum', 'Tough', 'Ware', 'Xx', 'Year', 'Zat', 'Zen', 'Zoom', 'Zum', 'Black', 'Blue', 'Can', 'Con', 'Dam', 'Dom', 'Fax', 'Fun', 'Green', 'Ini', 'Kon', 'Mas', 'Nova', 'Quad'];
const SUFFIXES = ['ware', 'tech', 'zoom', 'quote', 'fase', 'holding', 'plex', 'dex', 'silron', 'ex', 'zim', 'com', 'dax', 'job', 'high', 'flex', 'fan', 'drill', 'volax', 'touch', 'zap', 'strip', 'sunin', 'green', 'find', 'hex', 'ace', 'amplex', 'zobam', 'unicon', 'it', 'goity', 'base', 'con', 'techi', 'city', 'matfix', 'ity', 'trics', 'media'];
const WORDS = ['', 'Systems', 'Partners', 'Labs', 'Group', 'Media', 'Logistics', 'Foods', 'Energy', 'Health', 'Capital', 'Retail', 'Software', 'Networks', 'Services', 'Studio', 'Works', 'Trading', 'Motors', 'Analytics', 'Pharma', 'Consulting', 'Robotics', 'Finance', 'Telecom', 'Design', 'Security', 'Solutions', 'Ventures', 'Digital', 'Industries', 'Electric', 'Bank', 'Textiles', 'Mining', 'Farms', 'Travel', 'Insurance', 'Printing', 'Marine', 'Aero', 'Apparel', 'Chemicals', 'Optics', 'Dental'];

/** The i-th synthetic account name (distinct for i below 60 x 40 x 45 = 108,000). */
function syntheticName(i: number): string {
  const p = PREFIXES[i % PREFIXES.length] as string;
  const s = SUFFIXES[Math.floor(i / PREFIXES.length) % SUFFIXES.length] as string;
  const w = WORDS[Math.floor(i / (PREFIXES.length * SUFFIXES.length)) % WORDS.length] as string;
  return `${p}${s}${w ? ` ${w}` : ''}`;
}

/** A perturbation of a name, varied by `i` (case, legal form, a typo, full width). */
function perturb(name: string, i: number): string {
  switch (i % 4) {
    case 0:
      return name.toUpperCase();
    case 1:
      return `${name} Co., Ltd.`;
    case 2:
      return name.slice(0, 2) + name.slice(3);
    default:
      return name.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

const result = await withBenchDatabase('pipewright_bench_dedupe', async (url) => {
  const config = loadConfig({ PIPEWRIGHT_DATA_DIR: 'memory', PIPEWRIGHT_DEMO: 'false', DATABASE_URL: url });
  const platform = await createPlatform(config, { log: () => {} });
  try {
    const services = platform.plugins.services('crm', systemPrincipal('plugin:crm'));
    // 1. Quality on the labelled set.
    const set = labelledSet();
    const score = await scoreMatcher(set, await loadAndMatch(services, set));
    console.log(`labelled set: ${set.positives.length} duplicates, ${set.negatives.length} non-duplicates; recall ${(score.recall * 100).toFixed(2)}%, precision ${(score.precision * 100).toFixed(2)}% (${score.truePositives} found, ${score.falsePositives} wrong)`);
    for (const m of score.misses) console.log(`  missed (${m.kind}): ${JSON.stringify(m.query)} -> ${JSON.stringify(m.origin)}`);
    for (const w of score.wrong) console.log(`  wrong: ${JSON.stringify(w.query)} -> ${JSON.stringify(w.found)}`);

    // 2. Speed at ACCOUNTS accounts.
    const db = platform.database.db;
    // Written through the platform's importer (the one writer's batch path, without hooks): the
    // CSV carries each name's key as the crm plugin computes it. Names equal to a labelled
    // account's are left out (the unique index on names would refuse them).
    const labelled = new Set(set.existing);
    const names = Array.from({ length: ACCOUNTS }, (_, i) => syntheticName(i)).filter((n) => !labelled.has(n));
    const csv = ['name,name_key', ...names.map((n) => `${n},${companyKey(n)}`)].join('\n');
    const t0 = performance.now();
    const report = await importCsv(db, platform.registry, csv, { entity: 'crm.account', fields: { name: 'name', name_key: 'name_key', status: { default: 'active' } } }, { actor: systemPrincipal('bench'), fileName: 'bench-accounts.csv' });
    if (report.rejectedRows > 0) throw new Error(`bench import rejected ${report.rejectedRows} rows: ${JSON.stringify(report.problems.slice(0, 3))}`);
    await sql`analyze records`.execute(db);
    console.log(`${names.length} accounts imported and analysed (${set.existing.length} labelled ones beside them) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const matching = DEDUPE.entities['crm.account'];
    if (!matching) throw new Error('no matching for crm.account');
    const queries = Array.from({ length: CHECKS }, (_, i) => (i % 5 === 4 ? `Novel Company ${i}` : perturb(syntheticName((i * 7919) % ACCOUNTS), i)));
    const check = (q: string) => findCandidates(services, 'crm.account', matching, keysOf(matching, { name: q }), { name: q }, null);
    for (const q of queries.slice(0, 20)) await check(q); // warm-up
    const times: number[] = [];
    let found = 0;
    for (const q of queries) {
      const a = performance.now();
      const r = await check(q);
      times.push(performance.now() - a);
      if (r.visible.length > 0) found++;
    }
    const key = matching.keys[0];
    const floor = key?.searchThreshold ?? key?.threshold ?? 0.3;
    const baseline: number[] = [];
    for (const q of queries.slice(0, BASELINE_CHECKS)) {
      const k = companyKey(q);
      const a = performance.now();
      await sql`select id, public.similarity(data->>'name_key', ${k}) as s from records where type = 'crm.account' and deleted_at is null and public.similarity(data->>'name_key', ${k}) >= ${floor} order by s desc limit 10`.execute(db);
      baseline.push(performance.now() - a);
    }
    console.log(`check at ${ACCOUNTS} accounts (trigram index): mean ${mean(times).toFixed(2)} ms, median ${median(times).toFixed(2)} ms, p95 ${[...times].sort((x, y) => x - y)[Math.floor(times.length * 0.95)]?.toFixed(2)} ms; ${found}/${CHECKS} checks found candidates`);
    console.log(`baseline without the index (similarity() over every account): mean ${mean(baseline).toFixed(2)} ms, median ${median(baseline).toFixed(2)} ms`);
    return { recall: score.recall, precision: score.precision, ms_per_check: mean(times), baseline_ms_per_check: mean(baseline), accounts: names.length + set.existing.length };
  } finally {
    await platform.close();
  }
});

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
console.log(JSON.stringify({ bench: 'dedupe', recall: r4(result.recall), precision: r4(result.precision), ms_per_check: Math.round(result.ms_per_check * 100) / 100, baseline_ms_per_check: Math.round(result.baseline_ms_per_check * 100) / 100, accounts: result.accounts, goals: { recall: 0.95, precision: 0.99, ms_per_check: 20 } }));
