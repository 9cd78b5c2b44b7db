import { definePlugin, PipewrightError, ValidationError, type HookProblem, type PluginCaller, type PluginRecord, type PluginServices, type RouteSchema } from '@pipewright/plugin-sdk';
import { assertDefinition, compute, definitionProblems, peopleInScope, RATING, rulePins, type PersonResult, type TargetsFound } from './compute';
import cardSchema from '../../schemas/scorecard.schema.json';
import { bands, FORCED_DISTRIBUTION_MINIMUM, round, type Definition } from './model';

export const SCORECARD = 'scorecard.scorecard';
export const EVALUATION = 'scorecard.evaluation';
/** Stages in which the computed part is locked (no recomputation). */
export const LOCKED_STAGES = ['calibration', 'published'];
/** Evaluation fields a recomputation writes; any other change after computation needs a reason too. */
const BOOKKEEPING = new Set(['reasons', 'change_reason']);

const PERIOD = { type: 'string', pattern: '^[0-9]{4}(-(Q[1-4]|H[12]|0[1-9]|1[0-2]))?$' } as const;
const ANY_OBJECT: RouteSchema = { type: 'object' };
const CARD = cardSchema.schema.properties;
/** A definition as the preview takes it: the scorecard entity's own members, so a malformed one is a 422 naming the member. */
const DEFINITION: RouteSchema = { type: 'object', required: ['dimensions'], properties: { name: CARD.name, period: CARD.period, dimensions: CARD.dimensions, noise: CARD.noise, forced_distribution: CARD.forced_distribution } };

const isManager = (c: PluginCaller) => c.roles.includes('manager') || c.roles.includes('admin');
/** Who acted, as a person (`user:<id>` also for his API tokens). */
const actorOf = (c: PluginCaller) => (c.userId ? `user:${c.userId}` : c.id);
const isAdmin = (c: PluginCaller) => c.roles.includes('admin') || c.id.startsWith('system:');

function conflict(code: string, message: string, pointer = ''): PipewrightError {
  return new PipewrightError({ code, status: 409, kind: 'user', message, pointer, details: [{ pointer, message, code }] });
}
function forbidden(code: string, message: string, pointer: string): PipewrightError {
  return new PipewrightError({ code, status: 403, kind: 'user', message, pointer, details: [{ pointer, message, code }] });
}
/** Stages in which a manager assigns peers (before the peer review ends). */
const PEER_STAGES = ['self_review', 'peer_review'];

/** The evaluation a rating is about (read as the plugin: a peer may not see it). */
async function evaluationFor(s: PluginServices, data: Record<string, unknown>): Promise<PluginRecord | null> {
  if (typeof data.scorecard_id !== 'string' || typeof data.rep_id !== 'string' || typeof data.period !== 'string') return null;
  const page = await s.records.list(EVALUATION, { filter: { scorecard_id: data.scorecard_id, rep_id: data.rep_id, period: data.period }, limit: 1 });
  return page.items[0] ?? null;
}

/**
 * The `count` colleagues after a person in his team's list by name (cyclic, himself excluded).
 *
 * @example
 * ```ts
 * peersInTeam('b', [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }, { id: 'c', name: 'C' }], 2); // ['c', 'a']
 * ```
 */
export function peersInTeam(person: string, team: readonly { id: string; name: string }[], count: number): string[] {
  const sorted = [...team].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const at = sorted.findIndex((u) => u.id === person);
  const others = at < 0 ? sorted : [...sorted.slice(at + 1), ...sorted.slice(0, at)];
  return others.filter((u) => u.id !== person).slice(0, Math.max(0, count)).map((u) => u.id);
}

function notFound(what: string): PipewrightError {
  return new PipewrightError({ code: 'record.not-found', status: 404, kind: 'user', message: `No ${what} with this id, or you may not see it.` });
}

/** The unit whose people the caller evaluates: the scorecard's scope, else the manager's own unit, else everyone (admins). */
function scopeOf(s: PluginServices, card: Record<string, unknown> | null, asked?: unknown): string | null {
  if (typeof asked === 'string' && asked) return asked;
  if (card && typeof card.scope_unit === 'string') return card.scope_unit;
  return s.caller.roles.includes('admin') ? null : s.caller.orgUnitId;
}

const definitionOf = (data: Record<string, unknown>): Definition => data as unknown as Definition;

/** Fields a change touches, besides the bookkeeping (and the publication marks, when the publish move sets them). */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>, publishing = false): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !BOOKKEEPING.has(k) && !(publishing && (k === 'published' || k === 'published_at')) && JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

/** The stored form of one person's computed evaluation. */
function evaluationBody(r: PersonResult, asOf: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    rep_id: r.rep_id,
    rep_name: r.name,
    as_of: asOf,
    computed_total: r.total,
    total: r.total,
    dimensions: r.dimensions,
    scores: r.dimensions.map((d) => ({ dimension_id: d.id, score: d.score, computed: d.score })),
    ...extra,
  };
}

async function listAll(s: PluginServices, type: string, filter: Record<string, string>): Promise<PluginRecord[]> {
  const out: PluginRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await s.records.list(type, { filter, limit: 1000, sort: 'createdAt', ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/**
 * Percent-of-target indicators where some people have an OKR target and others do not (so people
 * are measured against different kinds of targets), or where people have no target at all (they
 * score 0). An indicator whose own target applies to everyone warns nothing (`targets` says so).
 */
function targetWarnings(targets: Record<string, TargetsFound>): { code: string; message: string; indicator: string }[] {
  return Object.entries(targets)
    .filter(([, t]) => t.people_without_target > 0 && (t.people_with_target > 0 || t.fallback === null))
    .map(([indicator, t]) => ({
      code: t.okr ? 'okr-targets-missing' : 'okr-not-installed',
      indicator,
      message: `${indicator}: ${t.okr ? `${t.people_without_target} people have no OKR target for ${t.metric} in ${t.periods.join(' + ')}` : 'the OKR plugin is not installed'}; ${t.fallback === null ? 'they score 0 (the indicator sets no target of its own)' : `the indicator's own target ${t.fallback} applies to them`}`,
    }));
}

const PERSON_SUMMARY: RouteSchema = { type: 'object', required: ['rep_id', 'total'], properties: { rep_id: { type: 'string' }, total: { type: 'number' } } };

/**
 * The scorecard plugin's server half: definitions checked (weights sum to 100, metrics known to
 * the metric layer, rules the engine accepts), evaluations computed from the metric layer with
 * exact decompositions and explanations, rank-stability noise flags, reasons on changes after
 * computation, audited calibration moves, and who sees what.
 */
export const plugin = definePlugin({
  hooks: {
    [SCORECARD]: {
      // Saving a scorecard pins the saved-rule versions its rule indicators reach (ADR 032
      // addendum): computing uses exactly those until the scorecard is saved again.
      async beforeChange(change, s) {
        if (change.operation === 'delete') return;
        const { rule_versions: _old, ...data } = change.data;
        const pins = await rulePins(definitionOf(data), s);
        return Object.keys(pins).length > 0 ? { ...data, rule_versions: pins } : data;
      },
      async validate(change, s) {
        if (change.operation === 'delete') return [];
        return (await definitionProblems(definitionOf(change.data), s)).map((p) => ({ ...p, pointer: `/data${p.pointer}` }));
      },
    },
    [EVALUATION]: {
      beforeChange(change, s) {
        if (change.operation !== 'update') return;
        let data = change.data;
        // The publish move marks the evaluation published (what the person's visibility reads).
        if (change.transition?.to === 'published') data = { ...data, published: true, published_at: typeof data.published_at === 'string' ? data.published_at : s.clock.now().toISOString() };
        const before = change.before?.data;
        if (!before?.as_of) return data === change.data ? undefined : data;
        const reason = data.change_reason;
        const fields = changedFields(before, data, change.transition?.to === 'published');
        if (fields.length === 0 || typeof reason !== 'string' || reason === before.change_reason) return data === change.data ? undefined : data;
        const reasons = Array.isArray(before.reasons) ? before.reasons : [];
        return { ...data, reasons: [...reasons, { reason, by: actorOf(s.caller), at: s.clock.now().toISOString(), fields }] };
      },
      validate(change, s) {
        const problems: HookProblem[] = [];
        if (change.operation === 'delete') return problems;
        const before = change.before?.data ?? {};
        const publishing = change.transition?.to === 'published';
        if (!isAdmin(s.caller) && !publishing && (change.data.published !== before.published || change.data.published_at !== before.published_at)) problems.push({ pointer: '/data/published', message: 'an evaluation is published by the review process (the "publish" move), not by an edit', code: 'publish-by-process' });
        if (change.operation === 'update' && before.as_of) {
          const fields = changedFields(before, change.data, publishing);
          const reason = change.data.change_reason;
          if (fields.length > 0 && (typeof reason !== 'string' || reason.trim() === '' || reason === before.change_reason)) {
            problems.push({ pointer: '/data/change_reason', message: `a change after computation needs a reason (changed: ${fields.join(', ')})`, code: 'reason-required' });
          }
        }
        return problems;
      },
    },
    [RATING]: {
      beforeChange(change, s) {
        if (change.operation === 'delete') return;
        if (change.operation === 'create' && !(isAdmin(s.caller) && typeof change.data.rater_id === 'string')) return { ...change.data, rater_id: s.caller.userId ?? s.caller.id };
      },
      async validate(change, s) {
        if (change.operation === 'delete' || isAdmin(s.caller)) return [];
        const me = s.caller.userId;
        const { relation, rep_id } = change.data;
        if (change.before && change.before.data.rater_id !== change.data.rater_id) return [{ pointer: '/data/rater_id', message: 'the rater of a rating cannot change', code: 'rater-fixed' }];
        if (relation === 'self' && rep_id !== me) return [{ pointer: '/data/rep_id', message: 'a self-rating rates yourself', code: 'not-self' }];
        if (relation === 'peer' && rep_id === me) return [{ pointer: '/data/relation', message: 'rating yourself is a self-rating, not a peer rating', code: 'self-as-peer' }];
        if (relation === 'peer') {
          // Only the peers a manager assigned on the person's evaluation rate him as a peer.
          const ev = await evaluationFor(s.system, change.data);
          const peers = Array.isArray(ev?.data.peers) ? (ev.data.peers as string[]) : [];
          if (!me || !peers.includes(me)) throw forbidden('scorecard.not-assigned-peer', 'you are not assigned as a peer reviewer of this person for this scorecard and period (a manager assigns peers on the evaluation)', '/data/rep_id');
        }
        if (relation === 'manager' && !isManager(s.caller)) return [{ pointer: '/data/relation', message: 'only a manager gives manager ratings', code: 'not-manager' }];
        return [];
      },
    },
  },
  visibility: {
    // A person sees his own evaluation only once it is published; managers see their subtree's
    // (the platform's unit rule) at every stage. Evaluations of others reach a rep only through
    // the platform's own rules (he owns none), so peers see only the ratings they gave.
    [EVALUATION]: (caller) => {
      if (caller.roles.includes('manager')) return null;
      const published = { '==': [{ var: 'published' }, true] };
      return caller.userId ? { or: [{ '!=': [{ var: 'rep_id' }, caller.userId] }, published] } : published;
    },
  },
  actions: {
    /**
     * On entering peer review: an evaluation whose peers no manager assigned gets `count` peers,
     * the colleagues after the person in his team's list by name (cyclic), so each rates as many
     * as he is rated by. A manager's assignment is kept.
     */
    async assign_peers(ctx) {
      if (!ctx.record) return { assigned: 0 };
      const ev = await ctx.records.get(EVALUATION, ctx.record.id);
      if (!ev || (Array.isArray(ev.data.peers) && ev.data.peers.length > 0) || !ev.stage || !PEER_STAGES.includes(ev.stage)) return { assigned: 0 };
      const count = typeof ctx.config.count === 'number' ? ctx.config.count : 2;
      const peers = peersInTeam(String(ev.data.rep_id), ev.orgUnit ? await ctx.directory.users({ under: ev.orgUnit, role: 'rep' }) : [], count);
      if (peers.length === 0) return { assigned: 0 };
      await ctx.records.update(EVALUATION, ev.id, { data: { peers, change_reason: `Peers assigned by the review: ${peers.join(', ')}` } }, { expectedVersion: ev.version });
      return { assigned: peers.length };
    },
    async notify_published(ctx) {
      const rep = ctx.record?.data.rep_id;
      if (!ctx.record || typeof rep !== 'string') return { sent: 0 };
      const period = String(ctx.record.data.period ?? '');
      const sent = await ctx.notifications.send({
        users: [rep],
        kind: 'published', // the platform names it scorecard.published
        key: `scorecard.published:${ctx.record.id}`,
        title: { en: `Your evaluation for ${period} is published`, 'zh-CN': `您 ${period} 的评估已发布` },
        body: { en: 'Open "My scorecard" to see the breakdown and how each score was computed.', 'zh-CN': '打开“我的计分卡”查看得分明细及每项得分的计算方法。' },
        record: { id: ctx.record.id, type: EVALUATION },
      });
      return { sent };
    },
  },
  routes: [
    {
      method: 'post',
      path: '/preview',
      summary: 'Computes a scorecard definition for the people in scope without storing anything (the designer\'s live preview)',
      roles: ['manager'],
      body: {
        type: 'object',
        required: ['definition', 'period'],
        additionalProperties: false,
        properties: { definition: DEFINITION, period: PERIOD, scope: { type: 'string', minLength: 1, maxLength: 100 }, limit: { type: 'integer', minimum: 1, maximum: 1000 } },
      },
      response: { type: 'object', required: ['period', 'as_of', 'people', 'noise'], properties: { period: ANY_OBJECT, as_of: { type: 'string' }, people: { type: 'array', items: PERSON_SUMMARY }, noise: ANY_OBJECT, targets: ANY_OBJECT, warnings: { type: 'array' }, count: { type: 'integer' } } },
      async handler(ctx) {
        const def = ctx.body.definition as Record<string, unknown>;
        if (!Array.isArray(def.dimensions) || def.dimensions.length === 0) throw new ValidationError({ code: 'scorecard.invalid-definition', message: 'a definition has dimensions', details: [{ pointer: '/definition/dimensions', message: 'a definition has at least one dimension', code: 'required' }] });
        await assertDefinition(definitionOf(def), ctx, '/definition');
        const people = await peopleInScope(ctx, scopeOf(ctx, null, ctx.body.scope), ['rep']);
        // A definition being designed resolves saved rules at their latest versions, as a process draft does.
        const { rule_versions: _pins, ...designed } = definitionOf(def);
        const result = await compute(ctx, designed, String(ctx.body.period), people, null);
        const limit = typeof ctx.body.limit === 'number' ? ctx.body.limit : 1000;
        const ranked = [...result.people].sort((a, b) => b.total - a.total);
        return { period: result.period, as_of: result.as_of, noise: result.noise, targets: result.targets, warnings: targetWarnings(result.targets), count: ranked.length, people: ranked.slice(0, limit) };
      },
    },
    {
      method: 'post',
      path: '/scorecards/:id/compute',
      summary: 'Computes and stores the evaluations of everyone in the scorecard\'s scope for a period; evaluations in calibration or published are locked and kept',
      roles: ['manager'],
      body: { type: 'object', additionalProperties: false, properties: { period: PERIOD, scope: { type: 'string', minLength: 1, maxLength: 100 } } },
      response: {
        type: 'object',
        required: ['as_of', 'period', 'evaluations', 'noise', 'warnings'],
        properties: { as_of: { type: 'string' }, period: ANY_OBJECT, noise: ANY_OBJECT, targets: ANY_OBJECT, warnings: { type: 'array' }, evaluations: { type: 'array', items: { type: 'object', required: ['id', 'rep_id', 'total', 'outcome'], properties: { id: { type: 'string' }, rep_id: { type: 'string' }, total: { type: 'number' }, outcome: { enum: ['created', 'updated', 'locked'] }, stage: { type: ['string', 'null'] } } } } },
      },
      async handler(ctx) {
        const card = await ctx.records.get(SCORECARD, ctx.params.id ?? '');
        if (!card) throw notFound('scorecard');
        const period = (ctx.body.period as string | undefined) ?? (card.data.period as string | undefined);
        if (!period) throw new ValidationError({ code: 'scorecard.period-required', message: 'say which period to compute (the scorecard has none)', details: [{ pointer: '/period', message: 'required: the scorecard names no period', code: 'required' }] });
        const def = definitionOf(card.data);
        await assertDefinition(def, ctx, '/scorecard');
        const roles = Array.isArray(card.data.applies_to_roles) && card.data.applies_to_roles.length > 0 ? (card.data.applies_to_roles as string[]) : ['rep'];
        const people = await peopleInScope(ctx, scopeOf(ctx, card.data, ctx.body.scope), roles);
        const result = await compute(ctx, def, period, people, card.id);
        const fd = def.forced_distribution;
        const band = fd ? bands(result.people.map((p) => ({ id: p.rep_id, total: p.total })), fd) : null;
        const warnings: { code: string; message: string }[] = [];
        warnings.push(...targetWarnings(result.targets));
        if (fd && people.length < FORCED_DISTRIBUTION_MINIMUM) warnings.push({ code: 'forced-distribution-small', message: `${people.length} people: a forced distribution needs at least ${FORCED_DISTRIBUTION_MINIMUM} to mean anything; the bands are advisory` });
        const existing = new Map((await listAll(ctx, EVALUATION, { scorecard_id: card.id, period })).map((e) => [String(e.data.rep_id), e]));
        const evaluations: { id: string; rep_id: string; total: number; outcome: 'created' | 'updated' | 'locked'; stage: string | null }[] = [];
        for (const r of result.people) {
          const extra = { ...(band ? { band: band.get(r.rep_id) } : {}) };
          const old = existing.get(r.rep_id);
          if (old && old.stage && LOCKED_STAGES.includes(old.stage)) {
            evaluations.push({ id: old.id, rep_id: r.rep_id, total: Number(old.data.total), outcome: 'locked', stage: old.stage });
            continue;
          }
          if (old) {
            const body = evaluationBody(r, result.as_of, { ...extra, change_reason: `Recomputed from the metric layer as of ${result.as_of}` });
            const adjustment = typeof old.data.adjustment === 'number' ? old.data.adjustment : 0;
            body.total = round(r.total + adjustment, 2);
            const after = await ctx.records.update(EVALUATION, old.id, { data: body }, { expectedVersion: old.version });
            evaluations.push({ id: after.id, rep_id: r.rep_id, total: Number(after.data.total), outcome: 'updated', stage: after.stage });
          } else {
            // Owned by nobody, filed under the person's unit: his managers up the tree see it (the
            // platform's unit rule), he reads it as its audience once published, and no computing
            // user's own team gains sight of it.
            const manager = (await ctx.directory.managersOf(r.rep_id))[0]?.id;
            const created = await ctx.records.create(EVALUATION, { data: { scorecard_id: card.id, period, ...evaluationBody(r, result.as_of, { ...extra, ...(manager ? { manager_id: manager } : {}) }) }, owner: null, orgUnit: r.org_unit_id });
            evaluations.push({ id: created.id, rep_id: r.rep_id, total: Number(created.data.total), outcome: 'created', stage: created.stage });
          }
        }
        return { as_of: result.as_of, period: result.period, noise: result.noise, targets: result.targets, warnings, evaluations };
      },
    },
    {
      method: 'get',
      path: '/scorecards/:id/results',
      summary: 'The evaluations of a scorecard and period the caller may see: leaderboard, distribution by team, forced-distribution advice',
      query: { period: { ...PERIOD, required: true } },
      response: { type: 'object', required: ['period', 'leaderboard', 'teams', 'distribution', 'warnings'], properties: { period: { type: 'string' }, leaderboard: { type: 'array' }, teams: { type: 'array' }, distribution: ANY_OBJECT, warnings: { type: 'array' }, noise: ANY_OBJECT } },
      async handler(ctx) {
        const card = await ctx.records.get(SCORECARD, ctx.params.id ?? '');
        if (!card) throw notFound('scorecard');
        const period = ctx.query.period ?? '';
        const evals = await listAll(ctx, EVALUATION, { scorecard_id: card.id, period });
        const units = new Map((await ctx.directory.orgUnits()).map((u) => [u.id, u]));
        const leaderboard = evals
          .map((e) => ({ id: e.id, rep_id: String(e.data.rep_id), name: String(e.data.rep_name ?? e.data.rep_id), team: e.orgUnit ? (units.get(e.orgUnit)?.name ?? e.orgUnit) : null, team_id: e.orgUnit, total: Number(e.data.total ?? 0), computed_total: Number(e.data.computed_total ?? e.data.total ?? 0), stage: e.stage, band: (e.data.band as string | undefined) ?? null }))
          .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
        const buckets = ['0-20', '20-40', '40-60', '60-80', '80-100'];
        const bucketOf = (t: number) => buckets[Math.min(4, Math.max(0, Math.floor(t / 20)))]!;
        const byTeam = new Map<string, { team: string; team_id: string | null; count: number; mean: number; buckets: Record<string, number> }>();
        for (const l of leaderboard) {
          const key = l.team_id ?? '';
          const t = byTeam.get(key) ?? { team: l.team ?? '', team_id: l.team_id, count: 0, mean: 0, buckets: Object.fromEntries(buckets.map((b) => [b, 0])) };
          t.mean = (t.mean * t.count + l.total) / (t.count + 1);
          t.count += 1;
          t.buckets[bucketOf(l.total)]! += 1;
          byTeam.set(key, t);
        }
        const teams = [...byTeam.values()].map((t) => ({ ...t, mean: round(t.mean, 2) })).sort((a, b) => a.team.localeCompare(b.team));
        const fd = (card.data.forced_distribution as Definition['forced_distribution']) ?? null;
        const warnings: { code: string; message: string }[] = [];
        let distribution: Record<string, unknown> = { buckets: Object.fromEntries(buckets.map((b) => [b, leaderboard.filter((l) => bucketOf(l.total) === b).length])) };
        if (fd) {
          const band = bands(leaderboard.map((l) => ({ id: l.id, total: l.total })), fd);
          const counts = { top: 0, middle: 0, bottom: 0 };
          for (const v of band.values()) counts[v] += 1;
          distribution = { ...distribution, forced: { target: fd, counts } };
          for (const l of leaderboard) l.band = band.get(l.id) ?? null;
          if (leaderboard.length < FORCED_DISTRIBUTION_MINIMUM) warnings.push({ code: 'forced-distribution-small', message: `${leaderboard.length} people: a forced distribution needs at least ${FORCED_DISTRIBUTION_MINIMUM} to mean anything; the bands are advisory` });
        }
        return { period, leaderboard, teams, distribution, warnings };
      },
    },
    {
      method: 'post',
      path: '/evaluations/:id/peers',
      summary: 'Assigns the peers who rate a person (replacing the list), during self-review or peer review; only they may give him peer ratings',
      roles: ['manager'],
      body: { type: 'object', required: ['peers'], additionalProperties: false, properties: { peers: { type: 'array', maxItems: 20, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 100 } } } },
      response: { type: 'object', required: ['id', 'peers', 'version'], properties: { id: { type: 'string' }, peers: { type: 'array', items: { type: 'string' } }, version: { type: 'integer' } } },
      async handler(ctx) {
        const ev = await ctx.records.get(EVALUATION, ctx.params.id ?? '');
        if (!ev) throw notFound('evaluation');
        if (!ev.stage || !PEER_STAGES.includes(ev.stage)) throw conflict('scorecard.peers-closed', `peers are assigned during self-review and peer review (this evaluation is in ${ev.stage ?? 'no stage'})`, '/stage');
        const peers = ctx.body.peers as string[];
        const problems: { pointer: string; message: string; code: string }[] = [];
        for (const [i, id] of peers.entries()) {
          if (id === ev.data.rep_id) problems.push({ pointer: `/peers/${i}`, message: 'a person is not his own peer (self-review is separate)', code: 'self-as-peer' });
          else if (!(await ctx.directory.user(id))) problems.push({ pointer: `/peers/${i}`, message: `no active user "${id}"`, code: 'unknown-user' });
        }
        if (problems.length > 0) throw new ValidationError({ code: 'scorecard.invalid-peers', message: problems.map((p) => `${p.pointer}: ${p.message}`).join('; '), details: problems });
        const after = await ctx.records.update(EVALUATION, ev.id, { data: { peers, change_reason: `Peers assigned: ${peers.join(', ') || 'none'} (${ctx.clock.now().toISOString()})` } }, { expectedVersion: ev.version });
        return { id: after.id, peers: (after.data.peers as string[]) ?? [], version: after.version };
      },
    },
    {
      method: 'get',
      path: '/peer-reviews',
      summary: 'Whom the caller is assigned to rate as a peer: the person, scorecard, period, stage and the peer rating indicators with their rubrics (nothing of the evaluation itself)',
      query: { period: { ...PERIOD } },
      response: { type: 'object', required: ['items'], properties: { items: { type: 'array' } } },
      async handler(ctx) {
        const me = ctx.caller.userId;
        if (!me) return { items: [] };
        const filter: Record<string, string> = ctx.query.period ? { period: ctx.query.period } : {};
        const assigned = (await listAll(ctx.system, EVALUATION, filter)).filter((e) => Array.isArray(e.data.peers) && (e.data.peers as string[]).includes(me));
        const cards = new Map<string, PluginRecord | null>();
        const items = [];
        for (const e of assigned) {
          const cardId = String(e.data.scorecard_id);
          if (!cards.has(cardId)) cards.set(cardId, await ctx.system.records.get(SCORECARD, cardId));
          const card = cards.get(cardId);
          const indicators = card ? definitionOf(card.data).dimensions.flatMap((d) => (d.indicators ?? []).filter((x) => x.kind === 'rating' && x.rater === 'peer').map((x) => ({ dimension_id: d.id, indicator_id: x.id, label: x.label, rubric: x.rubric ?? null }))) : [];
          items.push({ evaluation_id: e.id, scorecard_id: cardId, scorecard: card ? String(card.data.name ?? '') : null, rep_id: String(e.data.rep_id), rep_name: String(e.data.rep_name ?? e.data.rep_id), period: String(e.data.period), stage: e.stage, open: e.stage === 'peer_review' || e.stage === 'self_review', indicators });
        }
        items.sort((a, b) => a.period.localeCompare(b.period) || a.rep_name.localeCompare(b.rep_name));
        return { items };
      },
    },
    {
      method: 'post',
      path: '/evaluations/:id/calibrate',
      summary: 'Moves a person in calibration: sets the total with a reason; the move is kept on the evaluation and in its audited history',
      roles: ['manager'],
      body: { type: 'object', required: ['total', 'reason'], additionalProperties: false, properties: { total: { type: 'number', minimum: 0, maximum: 100 }, reason: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } } },
      response: { type: 'object', required: ['id', 'total', 'computed_total', 'adjustment', 'version'], properties: { id: { type: 'string' }, total: { type: 'number' }, computed_total: { type: 'number' }, adjustment: { type: 'number' }, version: { type: 'integer' } } },
      async handler(ctx) {
        const ev = await ctx.records.get(EVALUATION, ctx.params.id ?? '');
        if (!ev) throw notFound('evaluation');
        if (ev.stage !== 'calibration') throw conflict('scorecard.not-in-calibration', `only an evaluation in calibration can be moved (this one is in ${ev.stage ?? 'no stage'})`, '/stage');
        const from = Number(ev.data.total);
        const to = round(Number(ctx.body.total), 2);
        const computed = Number(ev.data.computed_total ?? from);
        const reason = String(ctx.body.reason).trim();
        const at = ctx.clock.now().toISOString();
        const calibration = [...(Array.isArray(ev.data.calibration) ? ev.data.calibration : []), { from, to, reason, by: actorOf(ctx.caller), at }];
        const after = await ctx.records.update(EVALUATION, ev.id, { data: { total: to, adjustment: round(to - computed, 2), calibration, change_reason: `Calibration: ${reason} (${at})` } }, { expectedVersion: ev.version });
        return { id: after.id, total: Number(after.data.total), computed_total: computed, adjustment: Number(after.data.adjustment), version: after.version };
      },
    },
  ],
});
