import { RuleError } from '../../errors';
import { checkRule, type CheckOptions } from '../check';
import { standardOperators } from '../operators/registry';
import { lookupField } from '../schema-types';
import type { JsonSchema, OpNode, RuleNode, VarNode } from '../types';
import { compare, membership } from './compare';
import { joinSql, sqlFragment as sql, sqlParam, type SqlFragment, type SqlOperand, type SqlType } from './fragment';
import { constant, FALSE, pathParam, predicate, TRUE, truthiness, unsupported, zeroIfNull } from './operand';

/**
 * Options of {@link toSql}. The entity schema is required: it decides how jsonb values are cast.
 *
 * @example
 * ```ts
 * toSql(rule, { schema: dealSchema, operators, now: new Date() });
 * ```
 */
export interface ToSqlOptions extends CheckOptions {
  schema: JsonSchema;
  /** "now" for date operators, bound as a parameter; defaults to SQL `now()`. */
  now?: Date;
  /** The jsonb column holding the record body (`data`, or `r.data` with an alias). */
  dataColumn?: string;
}

const COLUMN = /^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?$/;

/**
 * Translates a rule into a SQL predicate over the records table that is TRUE exactly when the
 * rule's result is json-logic truthy (never NULL). Covers comparisons, and/or/not, if, `in`,
 * missing/missing_some, + - * / min max and operators with a `toSql` (the date operators).
 * Everything else, and every construct whose SQL semantics could differ from json-logic's
 * (e.g. ordering a possibly-null text field against another field), throws RuleError
 * `rule.sql-unsupported` with the pointer of the offending node.
 *
 * @example
 * ```ts
 * const where = toSql({ and: [{ '>=': [{ var: 'amount' }, 10000] }, { '==': [{ var: 'stage' }, 'won'] }] }, { schema });
 * renderPostgres(where).text; // (COALESCE(COALESCE((data #>> $1::text[])::float8, 0) >= $2::float8, FALSE) AND ...)
 * ```
 */
export function toSql(rule: unknown, options: ToSqlOptions): SqlFragment {
  const tree = checkRule(rule, options);
  const column = options.dataColumn ?? 'data';
  if (!COLUMN.test(column)) throw new RuleError({ code: 'rule.sql-unsupported', message: `invalid data column '${column}'` });
  return new Translator(options, column).predicate(tree);
}

/** What {@link toSqlValue} gives: the rule's value in SQL, and where SQL could not decide it. */
export interface SqlValue {
  /** The rule's result as a typed SQL value (NULL where json-logic gives null, or where `decided` is FALSE). */
  value: SqlFragment;
  /** Its SQL type (null when no part of the rule could be translated). */
  type: SqlType | null;
  /**
   * A non-null boolean: TRUE for the records whose value SQL computed, FALSE for those that
   * reach a part of the rule SQL cannot express (evaluate the rule in JavaScript for them).
   */
  decided: SqlFragment;
  /** The parts SQL could not express, by pointer (empty when the whole rule translates). */
  unsupported: { pointer: string; message: string }[];
}

/**
 * Translates a rule into a SQL expression of its *value* (not its truthiness, as
 * {@link toSql}): e.g. a grading rule's `"A"`/`"B"`/`"C"`, for set-based evaluation over all
 * records. A rule SQL cannot fully express is translated as far as it goes: an `if` whose
 * condition or branch is outside the translatable subset leaves the records that reach it
 * undecided (`decided` FALSE) while the earlier branches stay in SQL, so a caller evaluates only
 * those records in JavaScript. Anything else outside the subset makes the whole rule undecided.
 *
 * @example
 * ```ts
 * const { value, decided } = toSqlValue({ if: [{ '>=': [{ var: 'employees' }, 4000] }, 'A', 'C'] }, { schema });
 * renderPostgres(value).text; // (CASE WHEN COALESCE(...) THEN $2::text ELSE $3::text END)
 * ```
 */
export function toSqlValue(rule: unknown, options: ToSqlOptions): SqlValue {
  const tree = checkRule(rule, options);
  const column = options.dataColumn ?? 'data';
  if (!COLUMN.test(column)) throw new RuleError({ code: 'rule.sql-unsupported', message: `invalid data column '${column}'` });
  const t = new Translator(options, column);
  const out = partialValue(t, tree);
  const types = new Set(out.types);
  if (types.size > 1) return { value: sql`NULL`, type: null, decided: FALSE, unsupported: [{ pointer: tree.pointer, message: 'the branches of "if" must have one SQL type' }] };
  return { value: out.value, type: out.types[0] ?? null, decided: out.decided, unsupported: out.unsupported };
}

interface Partial {
  value: SqlFragment;
  decided: SqlFragment;
  types: SqlType[];
  unsupported: { pointer: string; message: string }[];
}

function sqlUnsupported(err: unknown): { pointer: string; message: string } | null {
  return err instanceof RuleError && err.code === 'rule.sql-unsupported' ? { pointer: err.pointer ?? '', message: err.message } : null;
}

function partialValue(t: Translator, node: RuleNode): Partial {
  try {
    const v = t.value(node);
    return { value: v.sql, decided: TRUE, types: [v.type], unsupported: [] };
  } catch (err) {
    const why = sqlUnsupported(err);
    if (!why) throw err;
    if (node.kind !== 'op' || (node.op !== 'if' && node.op !== '?:')) return { value: sql`NULL`, decided: FALSE, types: [], unsupported: [why] };
  }
  const args = node.args;
  const values: SqlFragment[] = [];
  const decided: SqlFragment[] = [];
  const types: SqlType[] = [];
  const unsupported: { pointer: string; message: string }[] = [];
  let i = 0;
  let rest: Partial | null = null;
  for (; i < args.length - 1; i += 2) {
    let condition: SqlFragment;
    try {
      condition = t.predicate(args[i] as RuleNode);
    } catch (err) {
      const why = sqlUnsupported(err);
      if (!why) throw err;
      // Records that get this far are left to JavaScript.
      rest = { value: sql`NULL`, decided: FALSE, types: [], unsupported: [why] };
      break;
    }
    const branch = partialValue(t, args[i + 1] as RuleNode);
    values.push(sql` WHEN ${condition} THEN ${branch.value}`);
    decided.push(sql` WHEN ${condition} THEN ${branch.decided}`);
    types.push(...branch.types);
    unsupported.push(...branch.unsupported);
  }
  rest ??= args.length === i + 1 ? partialValue(t, args[i] as RuleNode) : { value: sql`NULL`, decided: TRUE, types: [], unsupported: [] };
  types.push(...rest.types);
  unsupported.push(...rest.unsupported);
  if (values.length === 0) return { ...rest, types, unsupported };
  return { value: sql`(CASE${concat(values)} ELSE ${rest.value} END)`, decided: sql`(CASE${concat(decided)} ELSE ${rest.decided} END)`, types, unsupported };
}

class Translator {
  private readonly now: SqlFragment;
  constructor(private readonly options: ToSqlOptions, private readonly column: string) {
    this.now = options.now === undefined ? sql`now()` : sql`${sqlParam(options.now.toISOString())}::timestamptz`;
  }

  /** Non-null boolean: json-logic truthiness of the node's value. */
  predicate(node: RuleNode): SqlFragment {
    if (node.kind !== 'op') return truthiness(this.value(node));
    const args = node.args;
    switch (node.op) {
      case '!':
        return sql`(NOT ${this.predicate(args[0] as RuleNode)})`;
      case '!!':
        return this.predicate(args[0] as RuleNode);
      case 'and':
      case 'or':
        if (args.length === 0) return FALSE;
        return sql`(${joinSql(args.map((a) => this.predicate(a)), node.op === 'and' ? ' AND ' : ' OR ')})`;
      case 'if':
      case '?:':
        return this.conditional(node, (n) => this.predicate(n), FALSE);
      case 'missing':
        return this.missing(node);
      case 'missing_some':
        return this.missingSome(node);
      default:
        return truthiness(this.value(node));
    }
  }

  /** A typed SQL value with json-logic's meaning. */
  value(node: RuleNode): SqlOperand {
    switch (node.kind) {
      case 'literal':
        if (node.value === null) throw unsupported(node, 'null is only supported as a comparison operand');
        return constant(node.value);
      case 'array':
        throw unsupported(node, 'a list is only supported as the right side of "in"');
      case 'var':
        return this.field(node);
      case 'op':
        return this.op(node);
    }
  }

  private op(node: OpNode): SqlOperand {
    const { op, args } = node;
    switch (op) {
      case '==': case '===': case '!=': case '!==': case '<': case '<=': case '>': case '>=':
        return predicate(compare(node, (n) => this.value(n)));
      case 'in':
        return predicate(membership(node, (n) => this.value(n), (n) => this.arrayField(n)));
      case '!': case '!!': case 'and': case 'or': case 'missing': case 'missing_some':
        return predicate(this.predicate(node));
      case 'if': case '?:': {
        const branches = args.filter((_, i) => i % 2 === 1 || i === args.length - 1 && args.length % 2 === 1).map((a) => this.value(a));
        const first = branches[0];
        if (first === undefined || branches.some((b) => b.type !== first.type || b.nullMeans !== first.nullMeans)) {
          throw unsupported(node, 'the branches of "if" must have one SQL type');
        }
        const fallback = args.length % 2 === 1 ? undefined : sql`NULL`;
        const fragment = this.conditional(node, (n) => this.value(n).sql, fallback);
        return { sql: fragment, type: first.type, nullMeans: first.nullMeans, nullable: true, ...(first.format ? { format: first.format } : {}) };
      }
      case '+': case '*': case '-': case '/': case 'min': case 'max':
        return this.arithmetic(node);
    }
    const definition = (this.options.operators ?? standardOperators).get(op)?.definition;
    if (definition?.toSql === undefined) throw unsupported(node, `operator '${op}' has no SQL translation`);
    try {
      return definition.toSql(args.map((a) => this.value(a)), { now: this.now });
    } catch (err) {
      if (err instanceof RuleError && err.pointer === undefined) throw unsupported(node, err.message);
      throw err;
    }
  }

  private numbers(node: OpNode): SqlOperand[] {
    const operands = node.args.map((a) => this.value(a));
    operands.forEach((o, i) => {
      if (o.type !== 'number') throw unsupported(node.args[i] as RuleNode, `'${node.op}' is only translated for number operands`);
    });
    return operands;
  }

  private arithmetic(node: OpNode): SqlOperand {
    const { op } = node;
    const ops = this.numbers(node);
    const nanOperand = ops.some((o) => o.nullable && o.nullMeans === 'nan');
    // NULL here means NaN; PostgreSQL's own NaN (e.g. Infinity - Infinity) is folded into it.
    const number = (fragment: SqlFragment): SqlOperand => ({ sql: sql`NULLIF(${fragment}, 'NaN'::float8)`, type: 'number', nullMeans: 'nan', nullable: true });
    switch (op) {
      case '+':
        // parseFloat(null) is NaN: NULL propagates with "NaN" meaning.
        return ops.length === 0 ? constant(0) : number(sql`(${joinSql(ops.map((o) => o.sql), ' + ')})`);
      case '*':
        return ops.length === 1 ? (ops[0] as SqlOperand) : number(sql`(${joinSql(ops.map((o) => o.sql), ' * ')})`);
      case '-': {
        const [a, b] = ops as [SqlOperand, SqlOperand | undefined];
        return number(b === undefined ? sql`(-${zeroIfNull(a)})` : sql`(${zeroIfNull(a)} - ${zeroIfNull(b)})`);
      }
      case '/': {
        const [a, b] = ops.map(zeroIfNull) as [SqlFragment, SqlFragment];
        return number(sql`(CASE WHEN ${b} = 0 THEN (CASE WHEN ${a} > 0 THEN 'Infinity'::float8 WHEN ${a} < 0 THEN '-Infinity'::float8 END) ELSE ${a} / ${b} END)`);
      }
      default: {
        if (ops.length === 0) throw unsupported(node, `'${op}' needs arguments in SQL`);
        if (nanOperand) throw unsupported(node, `'${op}' of a possibly-NaN value`);
        const list = joinSql(ops.map(zeroIfNull), ', ');
        return { sql: op === 'min' ? sql`LEAST(${list})` : sql`GREATEST(${list})`, type: 'number', nullMeans: 'null', nullable: false };
      }
    }
  }

  private conditional(node: OpNode, each: (n: RuleNode) => SqlFragment, otherwise: SqlFragment | undefined): SqlFragment {
    const args = node.args;
    const whens: SqlFragment[] = [];
    let i = 0;
    for (; i < args.length - 1; i += 2) whens.push(sql` WHEN ${this.predicate(args[i] as RuleNode)} THEN ${each(args[i + 1] as RuleNode)}`);
    const last = args.length === i + 1 ? each(args[i] as RuleNode) : (otherwise ?? sql`NULL`);
    if (whens.length === 0) return last;
    return sql`(CASE${concat(whens)} ELSE ${last} END)`;
  }

  private jsonAt(path: readonly string[]): SqlFragment {
    return sql`(${sqlRaw(this.column)} #> ${pathParam(path)})`;
  }

  /** jsonb of a static record field whose schema type is array, else undefined. */
  private arrayField(node: RuleNode): SqlFragment | undefined {
    if (node.kind !== 'var' || node.scope !== 0 || node.dynamic !== undefined || node.path === null || node.fallback !== undefined) return undefined;
    const found = lookupField(this.options.schema, node.path);
    return found.found && found.type === 'array' ? this.jsonAt(node.path) : undefined;
  }

  private field(node: VarNode | RuleNode): SqlOperand {
    if (node.kind !== 'var') throw unsupported(node, 'expected a field');
    if (node.scope !== 0 || node.dynamic !== undefined || node.path === null) throw unsupported(node, 'only static field paths of the record are translated');
    const found = lookupField(this.options.schema, node.path);
    if (!found.found) throw unsupported(node, `unknown field '${node.path.join('.')}'`);
    const text = sql`(${sqlRaw(this.column)} #>> ${pathParam(node.path)})`;
    let operand: SqlOperand;
    switch (found.type) {
      case 'number':
        operand = { sql: sql`(${text})::float8`, type: 'number', nullMeans: 'null', nullable: true };
        break;
      case 'boolean':
        operand = { sql: sql`(${text})::boolean`, type: 'boolean', nullMeans: 'null', nullable: true };
        break;
      case 'string':
      case 'date':
      case 'datetime': {
        const format = found.type === 'date' ? { format: 'date' as const } : found.type === 'datetime' ? { format: 'date-time' as const } : {};
        operand = { sql: text, type: 'text', nullMeans: 'null', nullable: true, ...format };
        break;
      }
      default:
        throw unsupported(node, `field '${node.path.join('.')}' has no scalar type in the schema (${found.type})`);
    }
    if (node.fallback === undefined) return operand;
    const fallback = this.value(node.fallback);
    if (fallback.type !== operand.type) throw unsupported(node, 'the default of var must have the type of the field');
    return { ...operand, sql: sql`(CASE WHEN ${this.jsonAt(node.path)} IS NULL THEN ${fallback.sql} ELSE ${operand.sql} END)`, nullable: true };
  }

  private keys(node: OpNode, args: readonly RuleNode[]): string[][] {
    const list = args.length === 1 && args[0]?.kind === 'array' ? args[0].items : args;
    return list.map((key) => {
      if (key.kind !== 'literal' || typeof key.value !== 'string' || key.value === '') throw unsupported(key, 'missing needs constant field names');
      const path = key.value.split('.');
      if (!lookupField(this.options.schema, path).found) throw unsupported(key, `unknown field '${key.value}'`);
      return path;
    });
  }

  private isMissing(path: readonly string[]): SqlFragment {
    const json = this.jsonAt(path);
    return sql`(${json} IS NULL OR ${json} = 'null'::jsonb OR ${json} = '""'::jsonb)`;
  }

  private missing(node: OpNode): SqlFragment {
    const keys = this.keys(node, node.args);
    if (keys.length === 0) return FALSE;
    return sql`(${joinSql(keys.map((k) => this.isMissing(k)), ' OR ')})`;
  }

  private missingSome(node: OpNode): SqlFragment {
    const [need, options] = node.args;
    if (need?.kind !== 'literal' || typeof need.value !== 'number' || options?.kind !== 'array') {
      throw unsupported(node, 'missing_some needs a constant count and a constant list of fields');
    }
    const keys = this.keys(node, options.items);
    if (keys.length === 0) return FALSE;
    const count = joinSql(keys.map((k) => sql`(CASE WHEN ${this.isMissing(k)} THEN 1 ELSE 0 END)`), ' + ');
    const threshold = keys.length - need.value;
    return sql`((${count}) > ${sqlParam(threshold)}::float8 AND (${count}) > 0)`;
  }
}

/** Splices trusted SQL text (the validated column name) into a fragment. */
function sqlRaw(text: string): SqlFragment {
  return { parts: [text], params: [] };
}

function concat(fragments: readonly SqlFragment[]): SqlFragment {
  return fragments.reduce((acc, f) => sql`${acc}${f}`, sql``);
}
