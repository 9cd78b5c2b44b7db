import type { OperatorRegistry } from './operators/registry';
import type { ArrayNode, OpNode, RuleNode, VarNode } from './types';

/**
 * Generates the body of a factory `(K, H) => (d, c) => result` from a checked tree.
 *
 * Safety: the source text is built only from fixed templates, the helper names below and
 * generated identifiers (`k12`, `t3`, `f1`). Every value taken from the rule (strings, numbers,
 * path segments, operator functions) is stored in the constants array `K` and referenced by
 * index, so no rule content ever reaches the source text.
 */

/** Static shape of a generated expression, used only to skip needless conversions. */
type Shape = 'bool' | 'num' | 'str' | 'arr' | 'null' | 'any';

interface Emitted {
  readonly code: string;
  readonly shape: Shape;
  /** Whether the expression can evaluate to `undefined`. */
  readonly undef: boolean;
}

/** Names of the helpers passed in `H` (see compile.ts). */
export const HELPER_NAMES = [
  'truthy', 'readSegments', 'readPath', 'missing', 'missingSome', 'inOp', 'cat', 'substr', 'toFloat', 'plus', 'times',
  'merge', 'min', 'max', 'log', 'mapOp', 'filterOp', 'reduceOp', 'allOp', 'someOp', 'noneOp', 'hasOwn', 'OP', 'AP',
] as const;

interface FunctionFrame {
  temps: number;
}

/** Result of code generation: source text and the constants it indexes. */
export interface Generated {
  readonly source: string;
  readonly constants: unknown[];
}

const SIMPLE: Readonly<Record<string, string>> = { '==': '==', '===': '===', '!=': '!=', '!==': '!==', '>': '>', '>=': '>=', '/': '/', '%': '%' };

/**
 * Generates source for `tree`. Exposed for tests that assert no rule content reaches the source.
 *
 * @example
 * ```ts
 * const { source, constants } = generateSource(parseRule({ var: 'a' }), standardOperators);
 * ```
 */
export function generateSource(tree: RuleNode, operators: OperatorRegistry): Generated {
  return new Generator(operators).program(tree);
}

class Generator {
  private readonly constants: unknown[] = [];
  private readonly functions: string[] = [];
  private frame: FunctionFrame = { temps: 0 };

  constructor(private readonly operators: OperatorRegistry) {}

  program(tree: RuleNode): Generated {
    const main = this.fn(tree, false);
    const consts = this.constants.map((_, i) => `const k${i} = K[${i}];`).join('\n');
    const body = this.functions.join('\n');
    // Declare only the helpers the body uses (less to parse: compile time matters).
    const helpers = HELPER_NAMES.filter((name) => body.includes(name === 'OP' || name === 'AP' ? `${name}[` : `${name}(`))
      .map((name) => `const ${name} = H.${name};`)
      .join('\n');
    const source = `"use strict";\n${helpers}\n${consts}\n${body}\nreturn ${main};`;
    return { source, constants: this.constants };
  }

  /** Emits a function `(d, c) => expr`; `asTest` wraps the result in json-logic truthiness. */
  private fn(body: RuleNode | undefined, asTest: boolean): string {
    const saved = this.frame;
    this.frame = { temps: 0 };
    const expr = body === undefined ? { code: 'undefined', shape: 'any' as Shape, undef: true } : this.emit(body);
    const code = asTest ? this.test(expr) : expr.code;
    const temps = Array.from({ length: this.frame.temps }, (_, i) => `t${i}`);
    this.frame = saved;
    const name = `f${this.functions.length}`;
    const decl = temps.length > 0 ? `let ${temps.join(', ')}; ` : '';
    this.functions.push(`const ${name} = function (d, c) { ${decl}return ${code}; };`);
    return name;
  }

  private konst(value: unknown): string {
    this.constants.push(value);
    return `k${this.constants.length - 1}`;
  }

  private temp(): string {
    return `t${this.frame.temps++}`;
  }

  /** json-logic truthiness of an emitted expression, as a boolean expression. */
  private test(e: Emitted): string {
    switch (e.shape) {
      case 'bool':
        return e.code;
      case 'num':
      case 'str':
      case 'null':
        return `!!${e.code}`;
      case 'arr':
        return `(${e.code}.length !== 0)`;
      default:
        return `truthy(${e.code})`;
    }
  }

  private emit(node: RuleNode): Emitted {
    switch (node.kind) {
      case 'literal':
        if (node.value === null) return { code: 'null', shape: 'null', undef: false };
        if (typeof node.value === 'boolean') return { code: node.value ? 'true' : 'false', shape: 'bool', undef: false };
        return { code: this.konst(node.value), shape: typeof node.value === 'number' ? 'num' : 'str', undef: false };
      case 'array':
        return this.array(node);
      case 'var':
        return this.variable(node);
      case 'op':
        return this.op(node);
    }
  }

  private array(node: ArrayNode): Emitted {
    return { code: `[${node.items.map((item) => this.emit(item).code).join(', ')}]`, shape: 'arr', undef: false };
  }

  private variable(node: VarNode): Emitted {
    const fallback = node.fallback === undefined ? undefined : this.emit(node.fallback);
    if (node.dynamic !== undefined) {
      return { code: `readPath(d, ${this.emit(node.dynamic).code}, ${fallback?.code ?? 'undefined'})`, shape: 'any', undef: true };
    }
    if (node.path === null) return { code: 'd', shape: 'any', undef: true };
    let notFound = 'null';
    if (fallback !== undefined) {
      const f = this.temp();
      notFound = fallback.undef ? `((${f} = ${fallback.code}) === undefined ? null : ${f})` : fallback.code;
    }
    return { code: this.read(node.path, notFound), shape: 'any', undef: false };
  }

  /**
   * Reads a static path with own-property semantics. A found value is accepted without calling
   * `hasOwn` when it cannot come from Object.prototype / Array.prototype (the only prototypes of
   * JSON objects and arrays), so a polluted prototype is never read.
   */
  private read(path: readonly string[], notFound: string): string {
    const parts: string[] = [];
    let holder = this.temp();
    parts.push(`(${holder} = d) != null`);
    path.forEach((segment, i) => {
      const key = this.konst(segment);
      const next = this.temp();
      if (i > 0) parts.push(`${holder} != null`);
      parts.push(`(${next} = ${holder}[${key}]) !== undefined`);
      parts.push(`(${next} !== OP[${key}] && ${next} !== AP[${key}] && typeof ${holder} === 'object' || hasOwn(${holder}, ${key}))`);
      holder = next;
    });
    return `(${parts.join(' && ')} ? ${holder} : ${notFound})`;
  }

  /** `missing` over constant keys, inlined (keys are var paths, checked at parse time). */
  private missingInline(keys: readonly RuleNode[]): string | undefined {
    if (!keys.every((k) => k.kind === 'literal' && (typeof k.value === 'string' || typeof k.value === 'number'))) return undefined;
    const list = this.temp();
    const pushes = keys.map((k) => {
      const value = (k as { value: string | number }).value;
      const v = this.temp();
      const read = value === '' ? 'd' : this.read(String(value).split('.'), 'null');
      return `((${v} = ${read}) === null || ${v} === '') && ${list}.push(${this.konst(value)})`;
    });
    return `(${list} = [], ${pushes.join(', ')}${pushes.length > 0 ? ', ' : ''}${list})`;
  }

  private op(node: OpNode): Emitted {
    const { op, args } = node;
    const simple = SIMPLE[op];
    if (simple !== undefined) {
      const [a, b] = args.map((arg) => this.emit(arg));
      const shape: Shape = op === '/' || op === '%' ? 'num' : 'bool';
      return { code: `(${a?.code} ${simple} ${b?.code})`, shape, undef: false };
    }
    switch (op) {
      case '<':
      case '<=':
        return this.chain(op, args);
      case '!':
        return { code: `(!${this.test(this.emit(args[0] as RuleNode))})`, shape: 'bool', undef: false };
      case '!!':
        return { code: `(${this.testBool(this.emit(args[0] as RuleNode))})`, shape: 'bool', undef: false };
      case 'and':
      case 'or':
        return this.logical(op, args);
      case 'if':
      case '?:':
        return this.conditional(args);
      case '+':
        return this.plus(args);
      case '*':
        return this.times(args);
      case '-':
        return this.minus(args);
      case 'min':
      case 'max':
      case 'cat':
      case 'merge': {
        const shape: Shape = op === 'cat' ? 'str' : op === 'merge' ? 'arr' : 'num';
        return { code: `${op}(${this.list(args)})`, shape, undef: false };
      }
      case 'substr':
        return { code: `substr(${args.map((a) => this.emit(a).code).join(', ')})`, shape: 'str', undef: false };
      case 'in':
        return { code: `inOp(${this.emit(args[0] as RuleNode).code}, ${this.haystack(args[1] as RuleNode)})`, shape: 'bool', undef: false };
      case 'log':
        return { code: `log(c, ${this.emit(args[0] as RuleNode).code})`, shape: 'any', undef: true };
      case 'missing': {
        const keys = args.length === 1 && args[0]?.kind === 'array' ? args[0].items : args;
        const inline = this.missingInline(keys);
        return { code: inline ?? `missing(d, ${this.list(args)})`, shape: 'arr', undef: false };
      }
      case 'missing_some': {
        const [need, options] = args as [RuleNode, RuleNode];
        const first = options.kind === 'array' ? options.items[0] : undefined;
        const inline = options.kind === 'array' && first?.kind !== 'array' ? this.missingInline(options.items) : undefined;
        if (inline !== undefined && need.kind === 'literal' && typeof need.value === 'number' && options.kind === 'array') {
          const t = this.temp();
          return { code: `(${t} = ${inline}, ${this.konst(options.items.length)} - ${t}.length >= ${this.konst(need.value)} ? [] : ${t})`, shape: 'arr', undef: false };
        }
        return { code: `missingSome(d, ${this.emit(need).code}, ${this.emit(options).code})`, shape: 'arr', undef: false };
      }
      case 'map':
      case 'filter':
      case 'all':
      case 'some':
      case 'none':
      case 'reduce':
        return this.scoped(op, args);
      default:
        return this.plugin(node);
    }
  }

  private testBool(e: Emitted): string {
    return e.shape === 'bool' ? e.code : this.test(e);
  }

  private list(args: readonly RuleNode[]): string {
    return `[${args.map((a) => this.emit(a).code).join(', ')}]`;
  }

  /** The haystack of `in`: a constant array of literals is built once, not per call. */
  private haystack(node: RuleNode): string {
    if (node.kind === 'array' && node.items.every((item) => item.kind === 'literal')) {
      return this.konst(Object.freeze(node.items.map((item) => (item.kind === 'literal' ? item.value : null))));
    }
    return this.emit(node).code;
  }

  private chain(op: '<' | '<=', args: readonly RuleNode[]): Emitted {
    const [a, b, c] = args.map((arg) => this.emit(arg));
    if (c === undefined) return { code: `(${a?.code} ${op} ${b?.code})`, shape: 'bool', undef: false };
    const ta = this.temp();
    const tb = this.temp();
    const tc = this.temp();
    const both = `(${ta} ${op} ${tb}) && (${tb} ${op} ${tc})`;
    const tail = c.undef ? `${tc} === undefined ? ${ta} ${op} ${tb} : ${both}` : both;
    return { code: `(${ta} = ${a?.code}, ${tb} = ${b?.code}, ${tc} = ${c.code}, ${tail})`, shape: 'bool', undef: false };
  }

  private logical(op: 'and' | 'or', args: readonly RuleNode[]): Emitted {
    if (args.length === 0) return { code: 'undefined', shape: 'any', undef: true };
    const parts = args.map((arg) => this.emit(arg));
    const plain = parts.every((p) => p.shape === 'bool' || p.shape === 'num' || p.shape === 'str' || p.shape === 'null');
    const sameShape = parts.every((p) => p.shape === parts[0]?.shape) ? (parts[0]?.shape ?? 'any') : 'any';
    const undef = parts.some((p) => p.undef);
    if (plain) {
      // No operand can be an array, so JavaScript's && / || have json-logic's semantics.
      return { code: `(${parts.map((p) => p.code).join(op === 'and' ? ' && ' : ' || ')})`, shape: sameShape, undef };
    }
    let code = (parts[parts.length - 1] as Emitted).code;
    for (let i = parts.length - 2; i >= 0; i--) {
      const t = this.temp();
      const part = parts[i] as Emitted;
      const cond = this.test({ code: t, shape: part.shape, undef: part.undef });
      code = op === 'and' ? `((${t} = ${part.code}), ${cond} ? ${code} : ${t})` : `((${t} = ${part.code}), ${cond} ? ${t} : ${code})`;
    }
    return { code, shape: sameShape, undef };
  }

  private conditional(args: readonly RuleNode[]): Emitted {
    const parts = args.map((arg) => this.emit(arg));
    let i = 0;
    const conds: string[] = [];
    const values: Emitted[] = [];
    for (; i < parts.length - 1; i += 2) {
      conds.push(this.test(parts[i] as Emitted));
      values.push(parts[i + 1] as Emitted);
    }
    const last: Emitted = parts.length === i + 1 ? (parts[i] as Emitted) : { code: 'null', shape: 'null', undef: false };
    let code = last.code;
    for (let j = conds.length - 1; j >= 0; j--) code = `(${conds[j]} ? ${(values[j] as Emitted).code} : ${code})`;
    const all = [...values, last];
    const shape = all.every((v) => v.shape === last.shape) ? last.shape : 'any';
    return { code, shape, undef: all.some((v) => v.undef) };
  }

  private float(e: Emitted): string {
    return e.shape === 'num' ? `(${e.code} + 0)` : `toFloat(${e.code})`;
  }

  private plus(args: readonly RuleNode[]): Emitted {
    const terms = args.map((arg) => this.emit(arg)).map((e) => (e.shape === 'num' ? e.code : `toFloat(${e.code})`));
    return { code: `(0 + ${terms.join(' + ') || '0'})`, shape: 'num', undef: false };
  }

  private times(args: readonly RuleNode[]): Emitted {
    const parts = args.map((arg) => this.emit(arg));
    const first = parts[0] as Emitted;
    if (parts.length === 1) return first;
    let code = `(${this.float(first)} * ${this.float(parts[1] as Emitted)})`;
    for (let i = 2; i < parts.length; i++) code = `((${code} + 0) * ${this.float(parts[i] as Emitted)})`;
    return { code, shape: 'num', undef: false };
  }

  private minus(args: readonly RuleNode[]): Emitted {
    const [a, b] = args.map((arg) => this.emit(arg));
    if (b === undefined) return { code: `(-${a?.code})`, shape: 'num', undef: false };
    if (!b.undef) return { code: `(${a?.code} - ${b.code})`, shape: 'num', undef: false };
    const ta = this.temp();
    const tb = this.temp();
    return { code: `(${ta} = ${a?.code}, ${tb} = ${b.code}, ${tb} === undefined ? -${ta} : ${ta} - ${tb})`, shape: 'num', undef: false };
  }

  private scoped(op: string, args: readonly RuleNode[]): Emitted {
    const collection = this.emit(args[0] as RuleNode).code;
    const isTest = op !== 'map' && op !== 'reduce';
    const body = this.fn(args[1], isTest);
    if (op === 'reduce') {
      const initial = args[2] === undefined ? 'null' : this.emit(args[2]).code;
      return { code: `reduceOp(${collection}, ${body}, c, ${initial})`, shape: 'any', undef: true };
    }
    const shape: Shape = op === 'map' || op === 'filter' ? 'arr' : 'bool';
    return { code: `${op}Op(${collection}, ${body}, c)`, shape, undef: false };
  }

  private plugin(node: OpNode): Emitted {
    const definition = this.operators.get(node.op)?.definition;
    if (definition === undefined) throw new Error(`operator '${node.op}' has no implementation`);
    const evaluate = this.konst(definition.evaluate.bind(definition));
    return { code: `${evaluate}(${this.list(node.args)}, c)`, shape: 'any', undef: true };
  }
}
