import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntityInfo, FieldInfo } from '../api/types';
import type { JsonValue } from './graph-model';
import { fieldPaths, pathLabel } from './rule-schema';
import { logicToRows, ROW_OPERATORS, rowsToLogic, type RowOperator, type RowsRule, type RuleRow } from './rows-model';

/** The entity field a path reads (`amount.amount` reads `amount`). */
const fieldOf = (entity: EntityInfo | undefined, path: string): FieldInfo | undefined => entity?.fields.find((f) => f.name === path || path.startsWith(`${f.name}.`));

/** A typed value from the text of an input, by the field's type. */
function parseValue(text: string, field: FieldInfo | undefined, path: string): JsonValue {
  const numeric = field?.type === 'number' || (field?.format === 'money' && path.endsWith('.amount'));
  if (numeric && text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  if (field?.type === 'boolean') return text === 'true';
  return text;
}

/**
 * The rule as rows of field / operator / value joined by all or any (ADR 032), round-tripping
 * with the graph through json-logic. A rule rows cannot express is shown as such, never
 * rewritten. Fields with a list of values (enums) offer a select of them, labelled in the
 * reader's language.
 *
 * @example
 * ```tsx
 * <RuleRows entity={deal} logic={logic} onChange={setLogic} />
 * ```
 */
export function RuleRows({ entity, logic, onChange }: { entity: EntityInfo | undefined; logic: unknown; onChange: (logic: JsonValue) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const rule = logicToRows(logic);
  if (!rule) return <p className="panel" role="note" data-testid="rows-unsupported">{t('ruleLibrary.notRows')}</p>;
  const paths = fieldPaths(entity);
  const set = (next: RowsRule) => onChange(rowsToLogic(next));
  const setRow = (i: number, row: RuleRow) => set({ ...rule, rows: rule.rows.map((r, j) => (j === i ? row : r)) });
  const enumOf = (path: string) => {
    const f = fieldOf(entity, path);
    return f?.name === path && f.enum ? f : undefined;
  };
  return (
    <section className="panel rule-rows" aria-label={t('ruleLibrary.rows')}>
      <p>
        <label htmlFor={`${id}-join`}>{t('ruleLibrary.join')} </label>
        <select id={`${id}-join`} value={rule.join} onChange={(e) => set({ ...rule, join: e.target.value as RowsRule['join'] })}>
          <option value="all">{t('ruleLibrary.all')}</option>
          <option value="any">{t('ruleLibrary.any')}</option>
        </select>
      </p>
      {rule.rows.length === 0 && <p className="muted">{t('ruleLibrary.noRows')}</p>}
      <ol className="rule-rows-list">
        {rule.rows.map((row, i) => {
          const f = fieldOf(entity, row.field);
          const choices = enumOf(row.field);
          const n = i + 1;
          return (
            <li key={i} className="rule-row" data-testid={`rule-row-${i}`}>
              <select aria-label={`${t('ruleLibrary.field')} ${n}`} value={row.field} onChange={(e) => setRow(i, { ...row, field: e.target.value, value: row.op === 'in' ? [] : '' })}>
                {!paths.includes(row.field) && <option value={row.field}>{row.field || t('ruleLibrary.pick')}</option>}
                {paths.map((p) => (
                  <option key={p} value={p}>{pathLabel(entity, p, t)}</option>
                ))}
              </select>
              <select aria-label={`${t('ruleLibrary.operator')} ${n}`} value={row.op} onChange={(e) => {
                const op = e.target.value as RowOperator;
                const value: JsonValue = op === 'set' || op === 'unset' ? null : op === 'in' ? (Array.isArray(row.value) ? row.value : row.value === null || row.value === '' ? [] : [row.value]) : Array.isArray(row.value) ? (row.value[0] ?? '') : row.value;
                setRow(i, { ...row, op, value });
              }}>
                {ROW_OPERATORS.map((op) => (
                  <option key={op} value={op}>{t(`ruleLibrary.ops.${op}`)}</option>
                ))}
              </select>
              {row.op === 'set' || row.op === 'unset' ? null : choices ? (
                <select aria-label={`${t('ruleLibrary.value')} ${n}`} multiple={row.op === 'in'} value={row.op === 'in' ? (Array.isArray(row.value) ? row.value.map(String) : []) : String(row.value ?? '')} onChange={(e) => {
                  const picked = [...e.target.selectedOptions].map((o) => o.value);
                  setRow(i, { ...row, value: row.op === 'in' ? picked : (picked[0] ?? '') });
                }}>
                  {row.op !== 'in' && <option value="">{t('ruleLibrary.pick')}</option>}
                  {(choices.enum ?? []).map((v) => (
                    <option key={String(v)} value={String(v)}>{choices.enumLabels?.[String(v)] ?? String(v)}</option>
                  ))}
                </select>
              ) : f?.type === 'boolean' && row.op !== 'in' ? (
                <select aria-label={`${t('ruleLibrary.value')} ${n}`} value={String(row.value)} onChange={(e) => setRow(i, { ...row, value: e.target.value === 'true' })}>
                  <option value="true">{t('ruleLibrary.yes')}</option>
                  <option value="false">{t('ruleLibrary.no')}</option>
                </select>
              ) : row.op === 'in' ? (
                <ListInput label={`${t('ruleLibrary.values')} ${n}`} values={Array.isArray(row.value) ? row.value : []} onChange={(texts) => setRow(i, { ...row, value: texts.map((s) => parseValue(s, f, row.field)) })} />
              ) : (
                <input
                  aria-label={`${t('ruleLibrary.value')} ${n}`}
                  type={f?.format === 'date' ? 'date' : 'text'}
                  value={String(row.value ?? '')}
                  onChange={(e) => setRow(i, { ...row, value: parseValue(e.target.value, f, row.field) })}
                />
              )}
              <button type="button" aria-label={t('ruleLibrary.removeRow', { n })} onClick={() => set({ ...rule, rows: rule.rows.filter((_, j) => j !== i) })}>×</button>
            </li>
          );
        })}
      </ol>
      <button type="button" onClick={() => set({ ...rule, rows: [...rule.rows, { field: paths[0] ?? '', op: '==', value: '' }] })}>{t('ruleLibrary.addRow')}</button>
    </section>
  );
}

/** A comma-separated list typed freely (the text is kept while typing; the values go up). */
function ListInput({ label, values, onChange }: { label: string; values: readonly JsonValue[]; onChange: (texts: string[]) => void }) {
  const [text, setText] = useState(values.map(String).join(', '));
  return (
    <input
      aria-label={label}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(e.target.value.split(',').map((s) => s.trim()).filter((s) => s !== ''));
      }}
    />
  );
}
