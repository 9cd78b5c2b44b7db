import { errorDetails, isPipewrightError } from '../errors';
import type { LoadedEntity } from '../plugins/types';
import { checkRule } from '../rules/check';
import { ajvDetails } from '../validation/ajv';
import { checkActions } from './check-actions';
import { actionTypeOf, ajvOf, compileSchema, expandedRule, type ProcessContext } from './context';
import { parseIsoDuration } from './duration';
import { graphProblems, sourcesOf } from './graph';
import type { ProcessDefinition, ProcessProblem, StageDefinition } from './types';

const PROCESS_SCHEMA = 'https://pipewright.dev/schemas/process.schema.json';

/**
 * Checks a process definition before it is saved: the JSON Schema first, then what a schema
 * cannot say: unique ids, references between stages and transitions, unreachable stages, open
 * stages with no way out, guards the rule checker refuses against the entity schema, entry
 * requirements that do not compile or name unknown fields, unknown action types and action
 * configurations their type's schema refuses, SLAs and roles. Every problem has a JSON pointer.
 * No I/O.
 *
 * @example
 * ```ts
 * const { problems } = checkProcess(doc, { entities: registry.entities, actionTypes: registry.actionTypes });
 * // [{ pointer: '/stages/4', code: 'unreachable-stage', message: 'Stage "archived" cannot be reached from "prospecting".' }]
 * ```
 */
export function checkProcess(doc: unknown, ctx: ProcessContext): { definition: ProcessDefinition | null; problems: ProcessProblem[] } {
  const ajv = ajvOf(ctx);
  const validate = ajv.getSchema(PROCESS_SCHEMA);
  if (!validate) throw new Error('process schema is not loaded');
  if (!validate(doc)) {
    return { definition: null, problems: ajvDetails(validate.errors).map((d) => ({ pointer: d.pointer, code: 'schema', message: d.message, params: { ...d.params, keyword: d.code } })) };
  }
  const def = doc as ProcessDefinition;
  const problems: ProcessProblem[] = [];
  const add = (pointer: string, code: string, message: string, params?: Record<string, unknown>) => problems.push({ pointer, code, message, ...(params ? { params } : {}) });
  const entity = ctx.entities.get(def.entity);
  if (!entity) add('/entity', 'unknown-entity', `There is no entity "${def.entity}".`);
  else if (!entity.stageful) add('/entity', 'entity-not-stageful', `Entity "${def.entity}" has no stages.`);
  for (const field of Object.keys(def.startsWhen ?? {})) {
    if (entity && !entity.fields.has(field)) add(`/startsWhen/${field}`, 'unknown-field', `Entity "${def.entity}" has no field "${field}".`, { field });
  }
  const ids = new Map<string, number>();
  def.stages.forEach((s, i) => {
    if (ids.has(s.id)) add(`/stages/${i}/id`, 'duplicate-stage', `Stage id "${s.id}" is used twice.`, { stage: s.id });
    else ids.set(s.id, i);
  });
  const initial = def.stages.find((s) => s.id === def.initialStage);
  if (!initial) add('/initialStage', 'unknown-stage', `The initial stage "${def.initialStage}" is not a stage.`, { stage: def.initialStage });
  else if (initial.kind !== 'open') add('/initialStage', 'initial-stage-closed', `The initial stage "${def.initialStage}" must be an open stage.`);
  if (!def.stages.some((s) => s.kind === 'open')) add('/stages', 'no-open-stage', 'A process needs at least one open stage.');
  checkTransitions(def, ids, add, ctx, entity);
  def.stages.forEach((s, i) => checkStage(s, i, add, ctx, entity));
  if (problems.length === 0) {
    const { unreachable, deadEnds } = graphProblems(def);
    for (const id of unreachable) add(`/stages/${ids.get(id)}`, 'unreachable-stage', `Stage "${id}" cannot be reached from "${def.initialStage}".`, { stage: id, from: def.initialStage });
    for (const id of deadEnds) add(`/stages/${ids.get(id)}`, 'dead-end', `Open stage "${id}" has no way out: add a transition from it.`, { stage: id });
  }
  return { definition: problems.length === 0 ? def : null, problems };
}

type Add = (pointer: string, code: string, message: string, params?: Record<string, unknown>) => void;

function checkTransitions(def: ProcessDefinition, ids: Map<string, number>, add: Add, ctx: ProcessContext, entity: LoadedEntity | undefined): void {
  const seenIds = new Set<string>();
  const pairs = new Map<string, number[]>();
  (def.transitions ?? []).forEach((t, i) => {
    const at = `/transitions/${i}`;
    if (t.id !== undefined) {
      if (seenIds.has(t.id)) add(`${at}/id`, 'duplicate-transition', `Transition id "${t.id}" is used twice.`);
      seenIds.add(t.id);
    }
    if (Array.isArray(t.from)) t.from.forEach((f, j) => ids.has(f) || add(`${at}/from/${j}`, 'unknown-stage', `Transition source "${f}" is not a stage.`, { stage: f }));
    else if (t.from !== '*' && !ids.has(t.from)) add(`${at}/from`, 'unknown-stage', `Transition source "${t.from}" is not a stage.`, { stage: t.from });
    if (!ids.has(t.to)) add(`${at}/to`, 'unknown-stage', `Transition target "${t.to}" is not a stage.`, { stage: t.to });
    for (const from of sourcesOf(t, def.stages)) {
      if (from === t.to && t.from !== '*') add(`${at}/to`, 'self-transition', `Transition ${t.id ?? i} leads from "${from}" back to itself.`);
      const key = `${from}>${t.to}`;
      pairs.set(key, [...(pairs.get(key) ?? []), i]);
    }
    t.roles?.forEach((r, j) => ctx.roles && !ctx.roles.includes(r) && add(`${at}/roles/${j}`, 'unknown-role', `There is no role "${r}" (known: ${ctx.roles.join(', ')}).`));
    if (t.guard !== undefined) checkGuard(t.guard, `${at}/guard`, add, ctx, entity);
    if (t.approval?.when !== undefined) checkGuard(t.approval.when, `${at}/approval/when`, add, ctx, entity);
    t.approval?.approvers.forEach((a, j) => a.role !== undefined && ctx.roles && !ctx.roles.includes(a.role) && add(`${at}/approval/approvers/${j}/role`, 'unknown-role', `There is no role "${a.role}" (known: ${ctx.roles.join(', ')}).`));
    checkActions(t.actions ?? [], `${at}/actions`, add, ctx, entity, actionTypeOf);
  });
  for (const [key, list] of pairs) {
    if (list.length > 1 && list.some((i) => def.transitions?.[i]?.id === undefined)) {
      add(`/transitions/${list[1]}`, 'ambiguous-transition', `Several transitions make the move ${key.replace('>', ' -> ')}; give each an id so a client can choose.`);
    }
  }
}

function checkGuard(guard: unknown, at: string, add: Add, ctx: ProcessContext, entity: LoadedEntity | undefined): void {
  try {
    checkRule(expandedRule(ctx, guard), { ...(ctx.operators ? { operators: ctx.operators } : {}), ...(entity ? { schema: entity.schema } : {}) });
  } catch (err) {
    if (!isPipewrightError(err)) throw err;
    for (const d of errorDetails(err)) add(`${at}${d.pointer}`, 'invalid-guard', d.message, { rule: d.code ?? err.code });
  }
}

function checkStage(s: StageDefinition, i: number, add: Add, ctx: ProcessContext, entity: LoadedEntity | undefined): void {
  const at = `/stages/${i}`;
  if (s.requirements) {
    try {
      compileSchema(ajvOf(ctx), s.requirements);
    } catch (err) {
      add(`${at}/requirements`, 'invalid-requirements', `The entry requirements do not compile: ${(err as Error).message}`);
    }
    if (entity) {
      const known = entity.fields;
      const req = s.requirements as { required?: string[]; properties?: Record<string, unknown> };
      req.required?.forEach((f, j) => known.has(f) || add(`${at}/requirements/required/${j}`, 'unknown-field', `"${f}" is not a field of ${entity.fullId}.`, { field: f, entity: entity.fullId }));
      Object.keys(req.properties ?? {}).forEach((f) => known.has(f) || add(`${at}/requirements/properties/${f}`, 'unknown-field', `"${f}" is not a field of ${entity.fullId}.`, { field: f, entity: entity.fullId }));
    }
  }
  const locked = s.lockedFields;
  if (locked && entity) {
    const list = Array.isArray(locked) ? locked : locked.allExcept;
    const base = Array.isArray(locked) ? `${at}/lockedFields` : `${at}/lockedFields/allExcept`;
    list.forEach((f, j) => entity.fields.has(f) || add(`${base}/${j}`, 'unknown-field', `"${f}" is not a field of ${entity.fullId}.`, { field: f, entity: entity.fullId }));
  }
  const sla = s.sla;
  if (sla) {
    if (s.kind !== 'open') add(`${at}/sla`, 'sla-on-closed-stage', `Stage "${s.id}" is ${s.kind}; only open stages can have an SLA.`);
    if (sla.maxDuration !== undefined && !parseIsoDuration(sla.maxDuration)) add(`${at}/sla/maxDuration`, 'invalid-duration', `"${sla.maxDuration}" is not a supported ISO 8601 duration.`);
    if (sla.warnBefore !== undefined && !parseIsoDuration(sla.warnBefore)) add(`${at}/sla/warnBefore`, 'invalid-duration', `"${sla.warnBefore}" is not a supported ISO 8601 duration.`);
    const role = sla.escalateTo?.role;
    if (role !== undefined && ctx.roles && !ctx.roles.includes(role)) add(`${at}/sla/escalateTo/role`, 'unknown-role', `There is no role "${role}" (known: ${ctx.roles.join(', ')}).`);
  }
}
