import { NotFoundError, ProcessError, movesBetween, textIn, type CompiledProcess, type Registry, type TextLocale } from '@pipewright/core';
import type { AvailableTransition, AvailableTransitions } from '@pipewright/core/api';
import { sql } from 'kysely';
import { isUnrestricted, type Principal } from '../auth/principal';
import type { RecordStore } from '../records/store';
import { isUuid } from '../records/store';
import { toView } from '../records/view';
import type { ProcessDefinitions } from './definitions';

export type { AvailableTransition, AvailableTransitions } from '@pipewright/core/api';

/**
 * The transitions open to this principal from the record's stage in its pinned process version:
 * moves whose roles the principal lacks are left out; for the others the guard is evaluated
 * (passed, or the explanation and message) and the target stage's unmet entry requirements are
 * listed. Labels and guard messages are in `locale` (the request's Accept-Language). A record
 * the principal cannot see is 404.
 *
 * @example
 * ```ts
 * const { transitions } = await availableTransitions(store, definitions, registry, 'acme.ticket', id, principal);
 * transitions.filter((t) => t.ready).map((t) => t.to); // ['engaging', 'lost']
 * ```
 */
export async function availableTransitions(store: RecordStore, definitions: ProcessDefinitions, registry: Registry, type: string, id: string, principal: Principal, now: Date = new Date(), locale: TextLocale = 'en'): Promise<AvailableTransitions> {
  const entity = registry.entity(type);
  if (!entity.stageful) throw new ProcessError({ code: 'process.not-stageful', message: `${entity.fullId} records have no stages.` });
  if (!isUuid(id)) throw notFound(type, id);
  const editable = store.access.edit(principal) ?? sql<boolean>`true`;
  const found = await store.visible(type, principal).selectAll().select(editable.as('editable')).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!found) throw notFound(type, id);
  const { editable: mayEdit, ...row } = found;
  const view = toView(row);
  const pinned = view.process ?? (await definitions.latest({ entity: type }));
  const compiled = pinned ? await definitions.version(pinned.id, pinned.version) : null;
  const from = view.stage;
  const base = {
    record: { id: view.id, type, version: view.version, stage: from },
    process: pinned && compiled ? { id: pinned.id, version: pinned.version, label: textIn(compiled.definition.label, locale) } : null,
    stage: from !== null && compiled?.stages.get(from) ? { id: from, label: textIn(compiled.stage(from).label, locale), kind: compiled.stage(from).kind } : null,
    editable: Boolean(mayEdit),
  };
  if (!compiled || !mayEdit || (from !== null && !compiled.stages.has(from))) return { ...base, transitions: [] };
  return { ...base, transitions: movesOpenTo(compiled, from, view.data, principal, now, locale) };
}

function movesOpenTo(compiled: CompiledProcess, from: string | null, data: Record<string, unknown>, principal: Principal, now: Date, locale: TextLocale): AvailableTransition[] {
  const out: AvailableTransition[] = [];
  const def = compiled.definition;
  const targets = from === null ? [def.initialStage] : def.stages.map((s) => s.id);
  for (const to of targets) {
    const target = compiled.stage(to);
    const moves = from === null ? [{ kind: 'enter' as const, transition: undefined }] : movesBetween(def, from, to);
    for (const m of moves) {
      const t = m.transition;
      if (t?.roles && !isUnrestricted(principal) && !t.roles.some((r) => (principal.roles as readonly string[]).includes(r))) continue;
      const guard = compiled.evaluateGuard(t, data, { now: () => now }, locale);
      const unmet = compiled.checkRequirements(to, data);
      out.push({
        id: t?.id ?? null,
        label: textIn(t?.label ?? target.label, locale),
        to,
        toLabel: textIn(target.label, locale),
        toKind: target.kind,
        move: m.kind,
        ready: guard.passed && !unmet,
        guard: guard.passed ? { passed: true } : { passed: false, message: textIn(guard.message, locale), explanation: guard.explanation },
        missing: unmet ? { fields: unmet.fields, schema: unmet.schema } : null,
      });
    }
  }
  return out;
}

function notFound(type: string, id: string): NotFoundError {
  return new NotFoundError(`There is no ${type} record "${id}".`, { entity: type, id });
}
