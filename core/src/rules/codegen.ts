import type { OperatorDefinition } from './operators/definition';
import type { OperatorRegistry } from './operators/registry';
import type { ArrayNode, OpNode, RuleNode, VarNode } from './types';

/**
 * Generates the body of a factory `(<helpers>, k0..kN, [K], [D]) => (d[, c]) => result` from a checked tree.
 *
 * Safety: the source text is built only from fixed templates, the helper names below and
 * generated identifiers (`k12`, `t3`, `f1`). Every value taken from the rule (strings, numbers,
 * path segments, operator functions) is stored in the constants array and referenced by
 * generated name (`k3`, or `K[70]` past the parameters), so no rule content ever reaches the
 * source text.
 */

/** Static shape of a generated expression, used only to skip needless conversions. */
type Shape = 'bool' | 'num' | 'str' | 'arr' | 'null' | 'any';

interface Emitted {
  readonly code: string;
  readonly shape: Shape;
  /** Whether the expression can evaluate to `undefined`. */
  readonly undef: boolean;
  /**
   * A cheaper boolean expression with the json-logic truthiness of the value, when one exists
   * (`missing` over constant keys: "is any key missing", without building the array).
   */
  readonly truth?: string;
  /** Set on numeric literals that are not `-0` (adding `+ 0` to them changes nothing). */
  readonly plainNumber?: boolean;
  /** The value of a string literal (to fold comparisons of it with null at generation time). */
  readonly text?: string;
  /** Set on literals (constants: evaluating them has no effect and cannot throw). */
  readonly literal?: boolean;
}

/** Names of the helpers passed in `H` (see compile.ts). */
export const HELPER_NAMES = [
  'truthy', 'readSegments', 'readPath', 'missing', 'missingSome', 'inOp', 'cat', 'substr', 'toFloat', 'plus', 'times',
  'merge', 'mathMin', 'mathMax', 'log', 'found', 'own', 'OP', 'AP', 'isArray',
] as const;

export type HelperName = (typeof HELPER_NAMES)[number];

interface FunctionFrame {
  temps: number;
  /** Temporaries of static reads (`r0`...): the length of the longest path read. */
  reads: number;
  /** Static paths read more than once in this function (dotted path: number of reads). */
  readonly repeated: ReadonlyMap<string, number>;
  /** Locals holding the value of a repeated path (`v0`...), by dotted path. */
  readonly cached: Map<string, string>;
  /** Initializers of the `cached` locals (`v0 = <read>`), evaluated before the body. */
  readonly hoisted: string[];
  /** Whether the function body refers to the context `c`. */
  context: boolean;
  /**
   * Locals that hold the value of a first path segment (a `reduce` body's `current` and
   * `accumulator`), read directly instead of from the scope object `d`.
   */
  locals?: ReadonlyMap<string, string>;
}

/** In a `reduce` body, `current` and `accumulator` are the loop's own variables. */
const REDUCE_LOCALS: ReadonlyMap<string, string> = new Map([
  ['current', 'current'],
  ['accumulator', 'x'],
]);

/** `left op right` where one side is null and the other a string, as JavaScript compares them. */
function compareNull(op: string, left: string | null, right: string | null): boolean {
  const l = left as unknown as number;
  const r = right as unknown as number;
  switch (op) {
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    case '>=':
      return l >= r;
    default:
      throw new Error(`not a relational operator: ${op}`);
  }
}

/** Whether generated code refers to the data variable `d` (no rule content is in generated code, so a token match is exact). */
const usesData = (code: string): boolean => /(^|[^\w$.])d(?![\w$])/.test(code);

/** Result of code generation: source text, the constants it indexes and the helpers it names. */
export interface Generated {
  readonly source: string;
  readonly constants: unknown[];
  /** Helpers the source uses, in the order of the factory's first parameters. */
  readonly helpers: readonly HelperName[];
  /**
   * Whether the source reads the default context `D` (the factory's last parameter). It and
   * `K` (present when there are more than {@link PARAMETER_CONSTANTS} constants) are only
   * declared when used: V8 charges for every parameter, used or not.
   */
  readonly defaults: boolean;
}

/** Constants passed as parameters `k0`...; any further ones are read as `K[i]`. */
export const PARAMETER_CONSTANTS = 64;

const SIMPLE: Readonly<Record<string, string>> = { '==': '==', '===': '===', '!=': '!=', '!==': '!==', '>': '>', '>=': '>=', '/': '/', '%': '%' };

/** `in` over a constant list of at most this many literals becomes a chain of `===`. */
const INLINE_IN_MAX = 8;

const NULL: Emitted = { code: 'null', shape: 'null', undef: false };
const UNDEFINED: Emitted = { code: 'undefined', shape: 'any', undef: true };
const TRUE: Emitted = { code: 'true', shape: 'bool', undef: false };
const FALSE: Emitted = { code: 'false', shape: 'bool', undef: false };

/**
 * Generates the body of a factory `(<helpers>, k0..kN, [K], [D]) => (d[, c]) => result` from a
 * checked tree: the helpers the source uses (by name, see {@link Generated.helpers}), the first
 * {@link PARAMETER_CONSTANTS} constants as parameters `k0`..., the whole constants array `K`
 * (read as `K[i]` beyond those; only when there are more) and the default context `D` (only when
 * the rule reads a context, see {@link Generated.defaults}).
 * Exposed for tests that assert no rule content reaches the source.
 *
 * Generated functions are wrapped in parentheses so that V8 compiles them eagerly with the
 * factory instead of pre-parsing them and parsing them again on the first call. Constants and
 * helpers arrive as parameters rather than as `const k0 = K[0]` bindings: compiling costs V8
 * about half a microsecond per property-load site, so a prologue of loads made every compile
 * ~15% dearer, and evaluation is no slower (each generated function has exactly one closure).
 *
 * @example
 * ```ts
 * const { source, constants, helpers } = generateSource(parseRule({ var: 'a' }), standardOperators);
 * ```
 */
export function generateSource(tree: RuleNode, operators: OperatorRegistry): Generated {
  return new Generator(operators).program(tree);
}

class Generator {
  private readonly constants: unknown[] = [];
  /** Helpers the source uses, in first-use order (a handful: a list beats a Set here). */
  private readonly helpers: HelperName[] = [];
  private functions = '';
  private functionCount = 0;
  private usesDefaults = false;
  private frame: FunctionFrame = newFrame(undefined);

  constructor(private readonly operators: OperatorRegistry) {}

  program(tree: RuleNode): Generated {
    const main = this.main(tree);
    return { source: `"use strict";\n${this.functions}return ${main};`, constants: this.constants, helpers: this.helpers, defaults: this.usesDefaults };
  }

  /**
   * Emits the main function `(d[, c]) => expr` and returns it as an expression. The context
   * defaults to `D`: only the main function can be called without one.
   */
  private main(body: RuleNode): string {
    const frame = newFrame(body);
    this.frame = frame;
    const code = this.emit(body).code;
    this.usesDefaults = frame.context;
    // A rule that reads no context takes one parameter: calls with the record alone are then
    // exact-arity calls, which V8 makes cheaper than calls that leave a parameter undefined.
    const head = frame.context ? '(d, c) { if (c == null) c = D; ' : '(d) { ';
    return `(function ${head}${declarations(frame, true)}return ${code}; })`;
  }

  /**
   * Emits a scoped operator as a function `(a, c[, x]) => result` over the collection `a` whose
   * loop evaluates the body inline (no call per element), with exactly the semantics of the
   * runtime helpers (`someOp`...). Returns its name.
   */
  private loop(op: 'map' | 'filter' | 'all' | 'some' | 'none' | 'reduce', body: RuleNode | undefined): { name: string; context: boolean } {
    const saved = this.frame;
    const frame = newFrame(body);
    if (op === 'reduce') frame.locals = REDUCE_LOCALS;
    this.frame = frame;
    const expr = body === undefined ? UNDEFINED : this.emit(body);
    const code = op === 'map' || op === 'reduce' ? expr.code : this.test(expr);
    this.frame = saved;
    const isArray = this.helper('isArray');
    // Temporaries are assigned before use; cached reads belong to one element, so they are
    // declared inside the loop.
    const decl = declarations(frame, false);
    const perItem = cachedDeclarations(frame);
    let text: string;
    switch (op) {
      case 'some':
        text = `(function (a, c) { if (!${isArray}(a)) return false; ${decl}for (const d of a) { ${perItem}if (${code}) return true; } return false; })`;
        break;
      case 'none':
        text = `(function (a, c) { if (!${isArray}(a)) return true; ${decl}for (const d of a) { ${perItem}if (${code}) return false; } return true; })`;
        break;
      case 'all':
        text = `(function (a, c) { if (!${isArray}(a) || a.length === 0) return false; ${decl}for (const d of a) { ${perItem}if (!${code}) return false; } return true; })`;
        break;
      case 'filter':
        text = `(function (a, c) { if (!${isArray}(a)) return []; const o = []; ${decl}for (const d of a) { ${perItem}if (${code}) o.push(d); } return o; })`;
        break;
      case 'map':
        text = `(function (a, c) { if (!${isArray}(a)) return []; const o = []; ${decl}for (const d of a) { ${perItem}o.push(${code}); } return o; })`;
        break;
      case 'reduce': {
        // The scope object `{ current, accumulator }` is only built when the body reads it as a
        // whole (`var ""`, a dynamic path, `missing`, a path not under current/accumulator).
        const scope = usesData(perItem + code) ? 'const d = { current, accumulator: x }; ' : '';
        text = `(function (a, c, x) { if (!${isArray}(a)) return x; ${decl}for (const current of a) { ${scope}${perItem}x = ${code}; } return x; })`;
        break;
      }
    }
    const name = `f${this.functionCount++}`;
    this.functions += `const ${name} = ${text};\n`;
    return { name, context: frame.context };
  }

  private konst(value: unknown): string {
    const shared = value === null || (typeof value !== 'object' && typeof value !== 'function' && !Object.is(value, -0));
    const constants = this.constants;
    if (shared) {
      // A rule has a handful of constants: a scan beats a Map. `-0` is never shared, and no
      // other shared value is `===` to a different one (no NaN in JSON).
      for (let i = 0; i < constants.length; i++) {
        const c = constants[i];
        if (c === value && !Object.is(c, -0)) return constantName(i);
      }
    }
    constants.push(value);
    return constantName(constants.length - 1);
  }


  private helper(name: HelperName): HelperName {
    if (!this.helpers.includes(name)) this.helpers.push(name);
    return name;
  }

  private context(): string {
    this.frame.context = true;
    return 'c';
  }

  private temp(): string {
    return `t${this.frame.temps++}`;
  }

  /** json-logic truthiness of an emitted expression, as a boolean expression. */
  private test(e: Emitted): string {
    if (e.truth !== undefined) return e.truth;
    switch (e.shape) {
      case 'bool':
        return e.code;
      case 'num':
      case 'str':
      case 'null':
        return `!!${e.code}`;
      case 'arr':
        return `(${e.code}.length !== 0)`;
      default: {
        // Booleans (the common case) skip the call; arrays need it (empty is falsy).
        const t = /^[a-z]\d+$/.test(e.code) ? e.code : undefined;
        if (t !== undefined) return `(${t} === true || (${t} !== false && ${this.helper('truthy')}(${t})))`;
        const n = this.temp();
        return `((${n} = ${e.code}) === true || (${n} !== false && ${this.helper('truthy')}(${n})))`;
      }
    }
  }

  private emit(node: RuleNode): Emitted {
    switch (node.kind) {
      case 'literal': {
        const value = node.value;
        if (value === null) return NULL;
        if (value === true) return TRUE;
        if (value === false) return FALSE;
        if (typeof value === 'number') return { code: this.konst(value), shape: 'num', undef: false, plainNumber: !Object.is(value, -0), literal: true };
        return { code: this.konst(value), shape: 'str', undef: false, literal: true, text: value as string };
      }
      case 'array':
        return this.array(node);
      case 'var':
        return this.variable(node);
      case 'op':
        return this.op(node);
    }
  }

  private array(node: ArrayNode): Emitted {
    return { code: `[${this.codes(node.items)}]`, shape: 'arr', undef: false };
  }

  /** Codes of `nodes`, comma separated. */
  private codes(nodes: readonly RuleNode[]): string {
    let code = '';
    for (let i = 0; i < nodes.length; i++) code += (i === 0 ? '' : ', ') + this.emit(nodes[i] as RuleNode).code;
    return code;
  }

  private variable(node: VarNode): Emitted {
    const fallback = node.fallback === undefined ? undefined : this.emit(node.fallback);
    if (node.dynamic !== undefined) {
      return { code: `${this.helper('readPath')}(d, ${this.emit(node.dynamic).code}, ${fallback?.code ?? 'undefined'})`, shape: 'any', undef: true };
    }
    if (node.path === null) return { code: 'd', shape: 'any', undef: true };
    let notFound = 'null';
    if (fallback !== undefined) {
      if (fallback.undef) {
        const f = this.temp();
        notFound = `((${f} = ${fallback.code}) === undefined ? null : ${f})`;
      } else {
        notFound = fallback.code;
      }
    }
    return { code: this.read(node.path, notFound), shape: 'any', undef: false };
  }

  /**
   * Reads a static path with own-property semantics: `holder?.[key]` and the prototypes' values
   * for `key` are loaded inline (one inline cache each, with the constant key of this function),
   * then the `found` helper (see runtime.ts) rejects absent and inherited values, so a polluted
   * prototype is never read. Reads use their own temporaries (`r0`...): each is dead once its
   * read completes, so all reads of a function share them.
   *
   * A path (or path prefix) read more than once in a function is read once, before the body,
   * into a local (`v0`...): reads have no side effects and nothing an evaluation does can change
   * the record in between. A missing or null prefix reads as null, and reading on from null
   * finds nothing, as when the whole path is read.
   */
  private read(path: readonly string[], notFound: string, wholeMayBeCached = true): string {
    let holder = 'd';
    let start = 0;
    const local = this.frame.locals?.get(path[0] as string);
    if (local !== undefined) {
      // An own property of the scope object by construction: its value is the local's, and
      // undefined reads as not found, as for any read.
      if (path.length === 1) return `(${local} === undefined ? ${notFound} : ${local})`;
      holder = local;
      start = 1;
    }
    if (this.frame.repeated.size > 0) {
      for (let k = path.length - (notFound === 'null' && wholeMayBeCached ? 0 : 1); k > start; k--) {
        const dotted = k === path.length ? path.join('.') : path.slice(0, k).join('.');
        if (this.frame.repeated.has(dotted)) {
          holder = this.cachedRead(path.slice(0, k), dotted);
          start = k;
          break;
        }
      }
    }
    if (start === path.length) return holder;
    this.helper('OP');
    this.helper('AP');
    if (notFound === 'null') {
      // Without fallback, a null (found or not) reads on as "not found": `own` (runtime `ownValue`) chains.
      this.helper('own');
      if (path.length - start - 1 > this.frame.reads) this.frame.reads = path.length - start - 1;
      let code = '';
      for (let i = start; i < path.length; i++) {
        const key = this.konst(path[i]);
        let load = `${holder}?.[${key}]`;
        if (i > start) {
          holder = `r${i - start - 1}`;
          load = `(${holder} = ${code})?.[${key}]`;
        }
        code = `own(${load}, OP[${key}], AP[${key}], ${holder}, ${key})`;
      }
      return code;
    }
    this.helper('found');
    if (path.length - start > this.frame.reads) this.frame.reads = path.length - start;
    let code = '(';
    for (let i = start; i < path.length; i++) {
      const key = this.konst(path[i]);
      const next = `r${i - start}`;
      code += `${i === start ? '' : ' && '}found(${next} = ${holder}?.[${key}], OP[${key}], AP[${key}], ${holder}, ${key})`;
      holder = next;
    }
    return `${code} ? ${holder} : ${notFound})`;
  }

  /** The local holding `path` (null when not found), declared and read before the body. */
  private cachedRead(path: readonly string[], dotted: string): string {
    let local = this.frame.cached.get(dotted);
    if (local === undefined) {
      const code = this.read(path, 'null', false);
      local = `v${this.frame.cached.size}`;
      this.frame.cached.set(dotted, local);
      this.frame.hoisted.push(`${local} = ${code}`);
    }
    return local;
  }

  /**
   * `missing` over constant keys, inlined (keys are var paths, checked at parse time): `tests`
   * holds one boolean expression per key ("this key is missing") and `list(tests)` builds the
   * list of missing keys from them. The list is only generated when its value is used, not when
   * only its truthiness is (`!`, `if`, `and`...).
   */
  private missingInline(keys: readonly RuleNode[]): { tests: string[]; list: () => string } | undefined {
    for (const k of keys) if (k.kind !== 'literal' || (typeof k.value !== 'string' && typeof k.value !== 'number')) return undefined;
    const tests: string[] = [];
    for (const k of keys) {
      const value = (k as { value: string | number }).value;
      const v = this.temp();
      const read = value === '' ? 'd' : this.read(String(value).split('.'), 'null');
      tests.push(`((${v} = ${read}) === null || ${v} === '')`);
    }
    const list = (): string => {
      const t = this.temp();
      let code = `(${t} = []`;
      for (let i = 0; i < keys.length; i++) code += `, ${tests[i] as string} && ${t}.push(${this.konst((keys[i] as { value: string | number }).value)})`;
      return `${code}, ${t})`;
    };
    return { tests, list };
  }

  /** An array-valued expression whose code is generated on first use; `truth` is always available. */
  private lazyArray(truth: string, build: () => string): Emitted {
    let code: string | undefined;
    return { shape: 'arr', undef: false, truth, get code(): string { return (code ??= build()); } };
  }

  private op(node: OpNode): Emitted {
    const { op, args } = node;
    const simple = SIMPLE[op];
    if (simple !== undefined) {
      const a = this.emit(args[0] as RuleNode);
      const b = this.emit(args[1] as RuleNode);
      if (op === '>' || op === '>=') return { code: this.relational(simple, a, b), shape: 'bool', undef: false };
      const shape: Shape = op === '/' || op === '%' ? 'num' : 'bool';
      return { code: `(${a.code} ${simple} ${b.code})`, shape, undef: false };
    }
    switch (op) {
      case '<':
      case '<=':
        return this.chain(op, args);
      case '!':
        return { code: `(!${this.test(this.emit(args[0] as RuleNode))})`, shape: 'bool', undef: false };
      case '!!':
        return { code: `(${this.test(this.emit(args[0] as RuleNode))})`, shape: 'bool', undef: false };
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
        // json-logic-js's min/max are Math.min/Math.max over the arguments: called directly,
        // without building an array (V8 compiles Math.min/max of numbers inline).
        return { code: `${this.helper(op === 'min' ? 'mathMin' : 'mathMax')}(${this.codes(args)})`, shape: 'num', undef: false };
      case 'cat':
      case 'merge': {
        const shape: Shape = op === 'cat' ? 'str' : 'arr';
        return { code: `${this.helper(op)}([${this.codes(args)}])`, shape, undef: false };
      }
      case 'substr':
        return { code: `${this.helper('substr')}(${this.codes(args)})`, shape: 'str', undef: false };
      case 'in':
        return this.inOp(args[0] as RuleNode, args[1] as RuleNode);
      case 'log':
        return { code: `${this.helper('log')}(${this.context()}, ${this.emit(args[0] as RuleNode).code})`, shape: 'any', undef: true };
      case 'missing': {
        const keys = args.length === 1 && args[0]?.kind === 'array' ? args[0].items : args;
        const inline = this.missingInline(keys);
        if (inline === undefined) return { code: `${this.helper('missing')}(d, [${this.codes(args)}])`, shape: 'arr', undef: false };
        // Truthy when some key is missing.
        return this.lazyArray(inline.tests.length === 0 ? 'false' : `(${inline.tests.join(' || ')})`, inline.list);
      }
      case 'missing_some': {
        const [need, options] = args as [RuleNode, RuleNode];
        const first = options.kind === 'array' ? options.items[0] : undefined;
        const inline = need.kind === 'literal' && typeof need.value === 'number' && options.kind === 'array' && first?.kind !== 'array' ? this.missingInline(options.items) : undefined;
        if (inline === undefined) {
          return { code: `${this.helper('missingSome')}(d, ${this.emit(need).code}, ${this.emit(options).code})`, shape: 'arr', undef: false };
        }
        const length = (options as ArrayNode).items.length;
        const needed = (need as { value: number }).value;
        // The result is the list of missing keys when more than length - need are missing, else
        // []: truthy when the number of missing keys exceeds max(0, length - need).
        const truth = inline.tests.length === 0 ? 'false' : `(${inline.tests.join(' + ')} > ${this.konst(Math.max(0, length - needed))})`;
        return this.lazyArray(truth, () => {
          const t = this.temp();
          return `(${t} = ${inline.list()}, ${this.konst(length)} - ${t}.length >= ${this.konst(needed)} ? [] : ${t})`;
        });
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

  /**
   * `in`. Over a constant list of a few literals it is a chain of `===` (what `indexOf` does);
   * a constant list of literals is otherwise built once, not per call.
   */
  private inOp(needleNode: RuleNode, haystack: RuleNode): Emitted {
    const needle = this.emit(needleNode);
    if (haystack.kind === 'array' && haystack.items.every((item) => item.kind === 'literal')) {
      const items = haystack.items;
      if (items.length <= INLINE_IN_MAX) {
        if (items.length === 0) return { code: `(${needle.code}, false)`, shape: 'bool', undef: false };
        const t = this.temp();
        let code = `((${t} = ${needle.code}) === ${this.emit(items[0] as RuleNode).code}`;
        for (let i = 1; i < items.length; i++) code += ` || ${t} === ${this.emit(items[i] as RuleNode).code}`;
        return { code: `${code})`, shape: 'bool', undef: false };
      }
      const list = this.konst(Object.freeze(items.map((item) => (item.kind === 'literal' ? item.value : null))));
      return { code: `${this.helper('inOp')}(${needle.code}, ${list})`, shape: 'bool', undef: false };
    }
    // Inline rather than the shared helper: each rule's own `indexOf` site stays monomorphic
    // (a string haystack in one rule, an array in another) instead of one polymorphic site.
    const n = needle.literal === true ? needle.code : this.temp();
    const h = this.temp();
    const first = n === needle.code ? '' : `${n} = ${needle.code}, `;
    const code = `(${first}typeof (${h} = ${this.emit(haystack).code}) === 'string' ? ${h} !== '' && ${h}.indexOf(${n}) !== -1 : ${this.helper('isArray')}(${h}) && ${h}.indexOf(${n}) !== -1)`;
    return { code, shape: 'bool', undef: false };
  }

  /**
   * `a op b` for a relational operator, written so that each comparison site sees one kind of
   * operand (V8 then compiles it to a plain number or string comparison instead of a generic
   * one, e.g. when a field is sometimes null):
   * - against a number, null is replaced by 0 first (see {@link numeric}): JavaScript compares
   *   `x < n` as `ToNumber(ToPrimitive(x, number)) < n` when `n` is a number, and null converts
   *   to 0;
   * - against a string literal, the comparison is split on `typeof`: the string branch compares
   *   strings, the other branch keeps JavaScript's generic comparison.
   */
  private relational(op: string, a: Emitted, b: Emitted): string {
    const numA = a.shape === 'num';
    const numB = b.shape === 'num';
    if (numA && !numB) return `(${a.code} ${op} ${this.numeric(b)})`;
    if (numB && !numA) return `(${this.numeric(a)} ${op} ${b.code})`;
    // Against a string literal: a string operand compares as strings (V8 specialises the common
    // case), null (an absent field) gives a result known now (null is 0, the literal a number
    // or NaN), anything else compares as JavaScript does.
    if (b.literal === true && b.text !== undefined && a.shape === 'any') {
      const t = this.temp();
      return `(typeof (${t} = ${a.code}) === 'string' ? ${t} ${op} ${b.code} : ${t} === null ? ${String(compareNull(op, null, b.text))} : ${t} ${op} ${b.code})`;
    }
    if (a.literal === true && a.text !== undefined && b.shape === 'any') {
      const t = this.temp();
      return `(typeof (${t} = ${b.code}) === 'string' ? ${a.code} ${op} ${t} : ${t} === null ? ${String(compareNull(op, a.text, null))} : ${a.code} ${op} ${t})`;
    }
    return `(${a.code} ${op} ${b.code})`;
  }

  /**
   * An operand compared with a number, as an expression with the same comparison result:
   * `null` compares as 0 (`x ?? 0`, which V8 compiles to a null check, cheaper than converting
   * null with `+`); an operand that can be `undefined` (which compares as NaN) is converted
   * with `+` when it is not a number already (so the common case needs no conversion).
   */
  private numeric(e: Emitted): string {
    if (!e.undef) return `(${e.code} ?? 0)`;
    const t = this.temp();
    return `(typeof (${t} = ${e.code}) === 'number' ? ${t} : +${t})`;
  }

  private chain(op: '<' | '<=', args: readonly RuleNode[]): Emitted {
    const a = this.emit(args[0] as RuleNode);
    const b = this.emit(args[1] as RuleNode);
    if (args.length < 3) return { code: this.relational(op, a, b), shape: 'bool', undef: false };
    const c = this.emit(args[2] as RuleNode);
    const ta = this.temp();
    const tb = this.temp();
    const tc = this.temp();
    const both = `(${ta} ${op} ${tb}) && (${tb} ${op} ${tc})`;
    const tail = c.undef ? `${tc} === undefined ? ${ta} ${op} ${tb} : ${both}` : both;
    return { code: `(${ta} = ${a.code}, ${tb} = ${b.code}, ${tc} = ${c.code}, ${tail})`, shape: 'bool', undef: false };
  }

  private logical(op: 'and' | 'or', args: readonly RuleNode[]): Emitted {
    if (args.length === 0) return UNDEFINED;
    const parts = args.map((arg) => this.emit(arg));
    const first = parts[0] as Emitted;
    let plain = true;
    let sameShape = true;
    let undef = false;
    for (const p of parts) {
      if (p.shape !== 'bool' && p.shape !== 'num' && p.shape !== 'str' && p.shape !== 'null') plain = false;
      if (p.shape !== first.shape) sameShape = false;
      if (p.undef) undef = true;
    }
    const shape: Shape = sameShape ? first.shape : 'any';
    if (plain) {
      // No operand can be an array, so JavaScript's && / || have json-logic's semantics.
      return { code: `(${parts.map((p) => p.code).join(op === 'and' ? ' && ' : ' || ')})`, shape, undef };
    }
    let code = (parts[parts.length - 1] as Emitted).code;
    for (let i = parts.length - 2; i >= 0; i--) {
      const t = this.temp();
      const part = parts[i] as Emitted;
      const cond = this.test({ code: t, shape: part.shape, undef: part.undef });
      code = op === 'and' ? `((${t} = ${part.code}), ${cond} ? ${code} : ${t})` : `((${t} = ${part.code}), ${cond} ? ${t} : ${code})`;
    }
    return { code, shape, undef };
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
    const last: Emitted = parts.length === i + 1 ? (parts[i] as Emitted) : NULL;
    let code = last.code;
    let same = true;
    let undef = last.undef;
    for (let j = conds.length - 1; j >= 0; j--) {
      const value = values[j] as Emitted;
      code = `(${conds[j]} ? ${value.code} : ${code})`;
      if (value.shape !== last.shape) same = false;
      if (value.undef) undef = true;
    }
    return { code, shape: same ? last.shape : 'any', undef };
  }

  /** json-logic's `parseFloat` of an operand (`-0` becomes `0`). */
  private float(e: Emitted): string {
    if (e.plainNumber === true) return e.code;
    if (e.shape === 'num') return `(${e.code} + 0)`;
    // parseFloat of a number is the number (`-0` becomes `0`, hence `+ 0`); of null (an absent
    // field) NaN, without the call that converts null to "null" and parses that.
    const t = this.temp();
    return `(typeof (${t} = ${e.code}) === 'number' ? ${t} + 0 : ${t} === null ? NaN : ${this.helper('toFloat')}(${t}))`;
  }

  private plus(args: readonly RuleNode[]): Emitted {
    let code = '(0';
    for (const arg of args) {
      const e = this.emit(arg);
      code += ` + ${e.shape === 'num' ? e.code : this.float(e)}`;
    }
    return { code: args.length === 0 ? '(0 + 0)' : `${code})`, shape: 'num', undef: false };
  }

  private times(args: readonly RuleNode[]): Emitted {
    const first = this.emit(args[0] as RuleNode);
    if (args.length === 1) return first;
    let code = `(${this.float(first)} * ${this.float(this.emit(args[1] as RuleNode))})`;
    for (let i = 2; i < args.length; i++) code = `((${code} + 0) * ${this.float(this.emit(args[i] as RuleNode))})`;
    return { code, shape: 'num', undef: false };
  }

  private minus(args: readonly RuleNode[]): Emitted {
    const a = this.emit(args[0] as RuleNode);
    if (args.length < 2) return { code: `(-${a.code})`, shape: 'num', undef: false };
    const b = this.emit(args[1] as RuleNode);
    if (!b.undef) return { code: `(${a.code} - ${b.code})`, shape: 'num', undef: false };
    const ta = this.temp();
    const tb = this.temp();
    return { code: `(${ta} = ${a.code}, ${tb} = ${b.code}, ${tb} === undefined ? -${ta} : ${ta} - ${tb})`, shape: 'num', undef: false };
  }

  private scoped(op: 'map' | 'filter' | 'all' | 'some' | 'none' | 'reduce', args: readonly RuleNode[]): Emitted {
    const collection = this.emit(args[0] as RuleNode).code;
    const { name: loop, context } = this.loop(op, args[1]);
    // The context is passed only to a body that reads it (then the caller reads it too).
    const c = context ? this.context() : 'undefined';
    if (op === 'reduce') {
      const initial = args[2] === undefined ? 'null' : this.emit(args[2]).code;
      return { code: `${loop}(${collection}, ${c}, ${initial})`, shape: 'any', undef: true };
    }
    const shape: Shape = op === 'map' || op === 'filter' ? 'arr' : 'bool';
    return { code: `${loop}(${collection}, ${c})`, shape, undef: false };
  }

  private plugin(node: OpNode): Emitted {
    const definition = this.operators.get(node.op)?.definition;
    if (definition === undefined) throw new Error(`operator '${node.op}' has no implementation`);
    let bound = boundEvaluate.get(definition);
    if (bound === undefined) {
      bound = definition.evaluate.bind(definition);
      boundEvaluate.set(definition, bound);
    }
    const evaluate = this.konst(bound);
    return { code: `${evaluate}([${this.codes(node.args)}], ${this.context()})`, shape: 'any', undef: true };
  }
}

const CONSTANT_NAMES: string[] = [];

/**
 * `k<i>` (a parameter) or `K[<i>]` past {@link PARAMETER_CONSTANTS}: how the source names
 * constant i (cached: every rule names its constants the same way).
 */
function constantName(i: number): string {
  return (CONSTANT_NAMES[i] ??= i < PARAMETER_CONSTANTS ? `k${i}` : `K[${i}]`);
}

/** The factory's parameter names for `count` constants: `k0`... up to {@link PARAMETER_CONSTANTS}. */
export function constantParameters(count: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < count && i < PARAMETER_CONSTANTS; i++) names.push(constantName(i));
  return names;
}

/** Each plugin operator's `evaluate` bound to its definition, shared by every rule using it. */
const boundEvaluate = new WeakMap<object, OperatorDefinition['evaluate']>();

/** A fresh frame for a function whose body is `body` (undefined: no body). */
function newFrame(body: RuleNode | undefined): FunctionFrame {
  const counts = new Map<string, number>();
  if (body !== undefined) countReads(body, counts);
  for (const [path, n] of counts) if (n < 2) counts.delete(path);
  return { temps: 0, reads: 0, context: false, repeated: counts, cached: new Map(), hoisted: [] };
}

/**
 * Counts the static reads (without fallback) of each path in one function: `var` paths and the
 * constant keys of `missing` / `missing_some`; bodies of scoped operators are functions of their
 * own. Over-counting only costs a cache local.
 */
function countReads(node: RuleNode, counts: Map<string, number>): void {
  switch (node.kind) {
    case 'literal':
      return;
    case 'array':
      for (const item of node.items) countReads(item, counts);
      return;
    case 'var':
      if (node.dynamic !== undefined) countReads(node.dynamic, counts);
      if (node.fallback !== undefined) countReads(node.fallback, counts);
      else if (node.path !== null && node.dynamic === undefined) countPath(node.path, counts);
      return;
    case 'op': {
      const { op, args } = node;
      if (op === 'map' || op === 'filter' || op === 'all' || op === 'some' || op === 'none' || op === 'reduce') {
        countReads(args[0] as RuleNode, counts);
        if (args[2] !== undefined) countReads(args[2], counts);
        return;
      }
      if (op === 'missing' || op === 'missing_some') {
        const keys = op === 'missing' ? (args.length === 1 && args[0]?.kind === 'array' ? args[0].items : args) : args[1]?.kind === 'array' ? args[1].items : [];
        for (const key of keys) {
          if (key.kind === 'literal' && (typeof key.value === 'string' || typeof key.value === 'number') && key.value !== '') {
            countPath(String(key.value).split('.'), counts);
          }
        }
      }
      for (const arg of args) countReads(arg, counts);
    }
  }
}

/** Counts a read of `path` and of each of its prefixes. */
function countPath(path: readonly string[], counts: Map<string, number>): void {
  let dotted = '';
  for (let i = 0; i < path.length; i++) {
    dotted = i === 0 ? (path[0] as string) : `${dotted}.${path[i] as string}`;
    counts.set(dotted, (counts.get(dotted) ?? 0) + 1);
  }
}

/** `let` declarations of a function's temporaries (and, with `cached`, its hoisted reads). */
function declarations(frame: FunctionFrame, cached: boolean): string {
  let decl = '';
  for (let i = 0; i < frame.temps; i++) decl += `${decl === '' ? 'let ' : ', '}t${i}`;
  for (let i = 0; i < frame.reads; i++) decl += `${decl === '' ? 'let ' : ', '}r${i}`;
  if (decl !== '') decl += '; ';
  return cached ? decl + cachedDeclarations(frame) : decl;
}

/** Declarations of the hoisted reads of a function (per element, inside a loop). */
function cachedDeclarations(frame: FunctionFrame): string {
  return frame.hoisted.length === 0 ? '' : `const ${frame.hoisted.join(', ')}; `;
}
