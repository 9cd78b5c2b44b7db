import type { Registry } from '@pipewright/core';
import { sql, type RawBuilder } from 'kysely';
import type { VisibilityRule } from '@pipewright/core';
import type { Principal } from '../auth/principal';
import type { AccessPolicy } from '../records/access';
import { ruleToKysely } from '../rules/to-kysely';
import { callerOf } from './caller';

/**
 * Installs every plugin's visibility rules as read restrictions of the access policy: for each
 * reader, the rule a plugin returns (json-logic over the record body, checked against the entity
 * schema and translated to SQL like any rule) is and-ed onto the read condition of its entity,
 * so single reads, lists, search, counts and metrics all obey it. `true` or null adds nothing,
 * `false` hides every record of the entity. A `widen` rule is or-ed into the entity's read
 * condition instead (every signed-in reader also sees the records it admits; `true`: all of
 * them; `false` or null: nothing more); edits are not widened. A rule that throws or cannot be translated hides
 * the entity's records (fails closed) and is logged.
 *
 * @example
 * ```ts
 * installVisibility(registry, store.access, log);
 * ```
 */
export function installVisibility(registry: Registry, access: AccessPolicy, log: (line: string) => void): void {
  for (const p of registry.plugins) {
    const plugin = p.manifest.id;
    for (const [type, declared] of Object.entries(p.runtime?.visibility ?? {})) {
      const schema = registry.entity(type).schema;
      const { narrow, widen } = typeof declared === 'function' ? { narrow: declared, widen: undefined } : declared;
      const translate = (rule: VisibilityRule, failed: RawBuilder<boolean> | null, what: string) => (principal: Principal) => {
        try {
          const logic = rule(callerOf(principal));
          if (logic === null) return null;
          if (logic === true) return what === 'widen' ? sql<boolean>`true` : null;
          if (logic === false) return what === 'widen' ? null : sql<boolean>`false`;
          return ruleToKysely(logic, { schema, operators: registry.ruleOperators, dataColumn: 'records.data' });
        } catch (err) {
          log(`[plugin:${plugin}] error visibility ${what} rule of ${type} failed, ${what === 'widen' ? 'it widens nothing' : 'its records stay hidden'}: ${err instanceof Error ? err.message : String(err)}`);
          return failed;
        }
      };
      if (narrow) access.addRestriction(type, translate(narrow, sql<boolean>`false`, 'narrow'));
      // A widening that fails widens nothing (fails closed too).
      if (widen) access.addWidening(type, translate(widen, null, 'widen'));
    }
  }
}
