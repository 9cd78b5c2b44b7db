import { RuleError } from '../../errors';
import { BUILTIN_OWNER, type OperatorDefinition, type RegisteredOperator } from './definition';
import { STANDARD_OPERATORS } from './standard';

const NAME_PATTERN = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$/;
const OWNER_PATTERN = /^[a-z][a-z0-9_-]*(?:[./][a-z0-9_-]+)*$/;
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The operator allowlist: json-logic's standard operators (owner `jsonlogic`) plus those
 * plugins register. Names are unique: a plugin can add an operator, never replace a built-in
 * or another plugin's operator.
 *
 * @example
 * ```ts
 * const operators = createOperatorRegistry();
 * operators.register('sales', { name: 'double', signature: { params: ['number'], returns: 'number' },
 *   evaluate: ([x]) => Number(x) * 2 });
 * operators.register('evil', { name: '==', ... }); // throws RuleError rule.operator-conflict
 * ```
 */
export class OperatorRegistry {
  readonly #entries = new Map<string, RegisteredOperator>();
  #frozen = false;

  constructor() {
    for (const [name, signature] of Object.entries(STANDARD_OPERATORS)) {
      this.#entries.set(name, Object.freeze({ name, owner: BUILTIN_OWNER, builtin: true, signature, definition: undefined }));
    }
  }

  /**
   * Adds `definition` on behalf of plugin `ownerId`.
   * @throws RuleError `rule.operator-conflict` if the name is taken, `rule.operator-invalid` if the
   * name, owner or signature is malformed, `rule.registry-frozen` after {@link freeze}.
   */
  register(ownerId: string, definition: OperatorDefinition): void {
    if (this.#frozen) {
      throw new RuleError({ code: 'rule.registry-frozen', message: `operator registry is frozen; '${ownerId}' cannot add '${String(definition?.name)}'`, plugin: ownerId });
    }
    if (typeof ownerId !== 'string' || !OWNER_PATTERN.test(ownerId) || ownerId === BUILTIN_OWNER) {
      throw new RuleError({ code: 'rule.operator-invalid', message: `invalid operator owner id ${JSON.stringify(ownerId)}`, plugin: String(ownerId) });
    }
    const name: unknown = definition?.name;
    if (typeof name !== 'string') {
      throw new RuleError({ code: 'rule.operator-invalid', message: 'operator name must be a string', plugin: ownerId });
    }
    const existing = this.#entries.get(name);
    if (existing !== undefined) {
      const whose = existing.builtin ? 'a built-in json-logic operator' : `already registered by '${existing.owner}'`;
      throw new RuleError({
        code: 'rule.operator-conflict',
        message: `operator '${name}' is ${whose}; '${ownerId}' cannot replace it`,
        plugin: ownerId,
        extensions: { operator: name, owner: existing.owner },
      });
    }
    if (!NAME_PATTERN.test(name) || name.split('.').some((s) => RESERVED.has(s))) {
      throw new RuleError({ code: 'rule.operator-invalid', message: `invalid operator name ${JSON.stringify(name)} (lower snake case, dots allowed)`, plugin: ownerId });
    }
    if (typeof definition.evaluate !== 'function' || !isSignature(definition.signature)) {
      throw new RuleError({ code: 'rule.operator-invalid', message: `operator '${name}' needs an evaluate function and a signature`, plugin: ownerId });
    }
    this.#entries.set(name, Object.freeze({ name, owner: ownerId, builtin: false, signature: definition.signature, definition }));
  }

  /** The entry for `name`, or `undefined` when it is not on the allowlist. */
  get(name: string): RegisteredOperator | undefined {
    return this.#entries.get(name);
  }

  /** Whether `name` is on the allowlist. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** Every registered operator, built-ins first. */
  list(): RegisteredOperator[] {
    return [...this.#entries.values()];
  }

  /** Refuses any further registration (call once plugins are loaded). */
  freeze(): this {
    this.#frozen = true;
    return this;
  }
}

function isSignature(sig: unknown): boolean {
  if (typeof sig !== 'object' || sig === null) return false;
  const s = sig as { params?: unknown; returns?: unknown };
  return Array.isArray(s.params) && typeof s.returns === 'string';
}

/**
 * A fresh registry holding only json-logic's standard operators.
 *
 * @example
 * ```ts
 * const operators = createOperatorRegistry();
 * registerBusinessOperators(operators);
 * ```
 */
export function createOperatorRegistry(): OperatorRegistry {
  return new OperatorRegistry();
}

/** Frozen registry with the standard operators only; the default of every rule function. */
export const standardOperators: OperatorRegistry = new OperatorRegistry().freeze();
