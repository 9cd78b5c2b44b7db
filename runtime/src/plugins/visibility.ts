import type { Registry } from '@pipewright/core';
import { sql } from 'kysely';
import type { AccessPolicy } from '../records/access';
import { ruleToKysely } from '../rules/to-kysely';
import { callerOf } from './caller';

/**
 * Installs every plugin's visibility rules as read restrictions of the access policy: for each
 * reader, the rule a plugin returns (json-logic over the record body, checked against the entity
 * schema and translated to SQL like any rule) is and-ed onto the read condition of its entity,
 * so single reads, lists, search, counts and metrics all obey it. `true` or null adds nothing,
 * `false` hides every record of the entity. A rule that throws or cannot be translated hides
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
    for (const [type, rule] of Object.entries(p.runtime?.visibility ?? {})) {
      const schema = registry.entity(type).schema;
      access.addRestriction(type, (principal) => {
        try {
          const logic = rule(callerOf(principal));
          if (logic === null || logic === true) return null;
          if (logic === false) return sql<boolean>`false`;
          return ruleToKysely(logic, { schema, operators: registry.ruleOperators, dataColumn: 'records.data' });
        } catch (err) {
          log(`[plugin:${plugin}] error visibility rule of ${type} failed, its records stay hidden: ${err instanceof Error ? err.message : String(err)}`);
          return sql<boolean>`false`;
        }
      });
    }
  }
}
