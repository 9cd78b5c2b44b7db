import { DEFAULT_EVALUATION_LIMITS, PluginError, approvalSchema, checkRule, interpretRule, truthy, type EntityApproval, type LoadedEntity, type Registry, type RuleNode } from '@pipewright/core';
import type { Transaction } from 'kysely';
import { isRole } from '../auth/roles';
import type { Database } from '../db/tables';
import type { EditApprovals, NeededApproval } from '../records/store';
import { toView } from '../records/view';
import { holdEdit } from './approvals';

const stable = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : x));

/**
 * The entities' approvals of changes outside transitions (ADR 028 addendum), for the record
 * store: each `when` checked once (against `{ old, new }`) when the runtime starts, and evaluated
 * with the rule engine's budget on each change of one of its fields (a `when` over budget counts
 * as holding, so the change waits for a person rather than passing unchecked). Approver roles
 * must be roles users can hold; a bad declaration stops the start naming the plugin, file and
 * pointer.
 *
 * @example
 * ```ts
 * store.edits = new EntityApprovals(registry);
 * ```
 */
export class EntityApprovals implements EditApprovals {
  readonly #rules = new Map<string, { approval: EntityApproval; when: RuleNode | null }[]>();

  constructor(readonly registry: Registry) {
    for (const entity of registry.entities.values()) {
      if (!entity.approvals?.length) continue;
      this.#rules.set(entity.fullId, entity.approvals.map((approval, i) => {
        const roles = [...approval.approvers.map((a, j) => [a.role, `/approvals/${i}/approvers/${j}/role`] as const), [approval.escalateTo?.role, `/approvals/${i}/escalateTo/role`] as const];
        for (const [role, pointer] of roles) {
          if (role !== undefined && !isRole(role)) throw new PluginError({ code: 'plugin.invalid-entity-approval', plugin: entity.plugin, file: entity.file, pointer, message: `${entity.plugin}/${entity.file} at ${pointer}: there is no role "${role}"` });
        }
        return { approval, when: approval.when === undefined ? null : checkRule(approval.when, { operators: registry.ruleOperators, schema: approvalSchema(entity) }) };
      }));
    }
  }

  needs(entity: LoadedEntity, before: Record<string, unknown>, after: Record<string, unknown>): NeededApproval | null {
    const rules = this.#rules.get(entity.fullId);
    if (!rules) return null;
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => stable(before[k]) !== stable(after[k]));
    for (const { approval, when } of rules) {
      if (!approval.fields.some((f) => changed.includes(f))) continue;
      if (when && !this.#holds(when, { old: before, new: after })) continue;
      const pick = (body: Record<string, unknown>) => Object.fromEntries(changed.map((k) => [k, body[k] ?? null]));
      return { approval, change: { before: pick(before), after: pick(after) } };
    }
    return null;
  }

  #holds(when: RuleNode, data: { old: Record<string, unknown>; new: Record<string, unknown> }): boolean {
    try {
      return truthy(interpretRule(when, data, this.registry.ruleOperators, {}, undefined, DEFAULT_EVALUATION_LIMITS));
    } catch (err) {
      if ((err as { code?: string }).code === 'rule.budget-exceeded') return true;
      throw err;
    }
  }

  hold(tx: Transaction<Database>, held: Parameters<EditApprovals['hold']>[1]): Promise<unknown> {
    const field = held.entity.titleField;
    const data = toView(held.row).data;
    const title = String((field ? data[field] : undefined) ?? held.row.id);
    return holdEdit(tx, { row: held.row, approval: held.approval, patch: held.patch, change: held.change, principal: held.actor, title, now: held.now });
  }
}
