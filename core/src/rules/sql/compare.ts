import { inOp } from '../runtime';
import type { OpNode, RuleNode } from '../types';
import { joinSql, sqlFragment as sql, sqlParam, type SqlFragment, type SqlOperand } from './fragment';
import { constant, FALSE, TRUE, unsupported, zeroIfNull } from './operand';

/** An operand of a comparison: a SQL operand or the literal `null`. */
type Side = SqlOperand | 'null';
type Translate = (node: RuleNode) => SqlOperand;

const bool = (value: boolean): SqlFragment => (value ? TRUE : FALSE);

function side(node: RuleNode, translate: Translate): Side {
  return node.kind === 'literal' && node.value === null ? 'null' : translate(node);
}

/** JavaScript's own comparison of two constants (constant folding keeps semantics exact). */
function foldCompare(op: string, a: unknown, b: unknown): boolean {
  const x = a as number;
  const y = b as number;
  switch (op) {
    case '==': return a == b;
    case '===': return a === b;
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    default: return x >= y;
  }
}

const constantOf = (s: Side): { value: unknown } | undefined => (s === 'null' ? { value: null } : s.constant);

/**
 * Comparison operators as non-null SQL booleans with json-logic's loose semantics:
 * null is 0 in ordering, NULL that means NaN compares false, number fields against numeric
 * string literals compare as numbers, text ordering uses the "C" collation (code point order).
 */
export function compare(node: OpNode, translate: Translate): SqlFragment {
  const sides = node.args.map((a) => side(a, translate));
  const op = node.op;
  if (op === '!=' || op === '!==') return sql`(NOT ${equality(node, sides[0] as Side, sides[1] as Side, op === '!==')})`;
  if (op === '==' || op === '===') return equality(node, sides[0] as Side, sides[1] as Side, op === '===');
  const pairs: SqlFragment[] = [];
  for (let i = 0; i + 1 < sides.length; i++) pairs.push(ordering(node, op, sides[i] as Side, sides[i + 1] as Side));
  return pairs.length === 1 ? (pairs[0] as SqlFragment) : sql`(${joinSql(pairs, ' AND ')})`;
}

function equality(node: OpNode, a: Side, b: Side, strict: boolean): SqlFragment {
  const ca = constantOf(a);
  const cb = constantOf(b);
  if (ca !== undefined && cb !== undefined) return bool(foldCompare(strict ? '===' : '==', ca.value, cb.value));
  if (a === 'null' || b === 'null') {
    const other = (a === 'null' ? b : a) as SqlOperand;
    return other.nullable && other.nullMeans === 'null' ? sql`(${other.sql} IS NULL)` : FALSE;
  }
  if (a.type !== b.type) {
    const [field, lit] = cb !== undefined ? [a, cb.value] : ca !== undefined ? [b, ca.value] : [undefined, undefined];
    if (field === undefined) throw unsupported(node, `cannot compare ${a.type} with ${b.type} in SQL`);
    if (strict) return FALSE;
    if (field.type === 'number' && typeof lit === 'string') {
      const n = Number(lit);
      return Number.isNaN(n) ? FALSE : equality(node, field, constant(n), false);
    }
    throw unsupported(node, `loose comparison of a ${field.type} field with a ${typeof lit} needs JavaScript coercion`);
  }
  if ((a.nullable && a.nullMeans === 'nan') || (b.nullable && b.nullMeans === 'nan')) return sql`COALESCE(${a.sql} = ${b.sql}, FALSE)`;
  if (!a.nullable || !b.nullable) return sql`COALESCE(${a.sql} = ${b.sql}, FALSE)`;
  return sql`(${a.sql} IS NOT DISTINCT FROM ${b.sql})`;
}

function ordering(node: OpNode, op: string, a: Side, b: Side): SqlFragment {
  const ca = constantOf(a);
  const cb = constantOf(b);
  if (ca !== undefined && cb !== undefined) return bool(foldCompare(op, ca.value, cb.value));
  const sqlOp = { '<': sql` < `, '<=': sql` <= `, '>': sql` > `, '>=': sql` >= ` }[op as '<'] ?? sql` >= `;
  // null orders as 0; a numeric string literal against a number orders as a number.
  const asNumber = (s: Side, other: Side): SqlOperand | undefined => {
    if (s === 'null') return constant(0);
    if (s.type === 'number') return s;
    const other2 = other === 'null' ? undefined : other;
    if (s.constant !== undefined && typeof s.constant.value === 'string' && other2?.type === 'number') return constant(Number(s.constant.value));
    return undefined;
  };
  const na = asNumber(a, b);
  const nb = asNumber(b, a);
  if (na !== undefined && nb !== undefined) {
    if (Number.isNaN(na.constant?.value) || Number.isNaN(nb.constant?.value)) return FALSE;
    return sql`COALESCE(${zeroIfNull(na)}${sqlOp}${zeroIfNull(nb)}, FALSE)`;
  }
  if (a !== 'null' && b !== 'null' && a.type === 'text' && b.type === 'text' && (ca !== undefined || cb !== undefined)) {
    const [field, lit, flipped] = ca === undefined ? [a, cb?.value, false] : [b, ca.value, true];
    const whenNull = flipped ? foldCompare(op, lit, null) : foldCompare(op, null, lit);
    const param = sql`${sqlParam(lit)}::text`;
    const cmp = flipped ? sql`(${param}${sqlOp}${field.sql} COLLATE "C")` : sql`(${field.sql} COLLATE "C"${sqlOp}${param})`;
    return sql`(CASE WHEN ${field.sql} IS NULL THEN ${bool(whenNull)} ELSE ${cmp} END)`;
  }
  throw unsupported(node, `'${op}' between these operands cannot keep json-logic semantics in SQL (only numbers, or a text field against a text constant)`);
}

/**
 * `in`: membership in a constant list, in a jsonb array field (constant needle), or substring
 * of a text field / text constant.
 */
export function membership(node: OpNode, translate: Translate, arrayField: (node: RuleNode) => SqlFragment | undefined): SqlFragment {
  const [needleNode, hayNode] = node.args as [RuleNode, RuleNode];
  const needle = side(needleNode, translate);
  const cn = constantOf(needle);
  if (hayNode.kind === 'array' && hayNode.items.every((i) => i.kind === 'literal')) {
    const items = hayNode.items.map((i) => (i.kind === 'literal' ? i.value : null));
    if (cn !== undefined) return bool(items.indexOf(cn.value as never) !== -1);
    const operand = needle as SqlOperand;
    const jsType = operand.type === 'number' ? 'number' : operand.type === 'text' ? 'string' : operand.type === 'boolean' ? 'boolean' : 'none';
    const same = items.filter((i) => typeof i === jsType) as Array<number | string | boolean>;
    const parts: SqlFragment[] = [];
    if (same.length > 0) parts.push(sql`COALESCE(${operand.sql} IN (${joinSql(same.map((v) => constant(v).sql), ', ')}), FALSE)`);
    if (items.includes(null) && operand.nullable && operand.nullMeans === 'null') parts.push(sql`(${operand.sql} IS NULL)`);
    return parts.length === 0 ? FALSE : sql`(${joinSql(parts, ' OR ')})`;
  }
  const list = arrayField(hayNode);
  if (list !== undefined) {
    if (cn === undefined) throw unsupported(node, '"in" a list field needs a constant needle');
    const value = cn.value === null ? sql`'null'::jsonb` : sql`to_jsonb(${constant(cn.value as number | string | boolean).sql})`;
    return sql`COALESCE(${list} @> jsonb_build_array(${value}), FALSE)`;
  }
  if (hayNode.kind === 'var') {
    const hay = translate(hayNode);
    if (hay.type === 'text' && cn !== undefined && cn.value !== null) {
      return sql`COALESCE(${hay.sql} <> '' AND strpos(${hay.sql}, ${sqlParam(String(cn.value))}::text) > 0, FALSE)`;
    }
  }
  if (hayNode.kind === 'literal' && typeof hayNode.value === 'string' && needle !== 'null' && needle.type === 'text' && needle.constant === undefined) {
    if (hayNode.value === '') return FALSE;
    const whenNull = inOp(null, hayNode.value);
    return sql`(CASE WHEN ${needle.sql} IS NULL THEN ${bool(whenNull)} ELSE strpos(${sqlParam(hayNode.value)}::text, ${needle.sql}) > 0 END)`;
  }
  throw unsupported(node, '"in" is translated for a constant list, a list field with a constant needle, or text containment with one constant side');
}
