import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntityInfo, FieldInfo } from '../api/types';
import { fieldLabel, isSortable } from './format';
import { FILTER_OPS, type ListState } from './list-state';

function opsFor(field: FieldInfo | undefined): readonly string[] {
  if (!field) return ['eq'];
  if (field.type === 'string' && !field.format && !field.enum) return FILTER_OPS;
  return FILTER_OPS.filter((op) => op !== 'contains');
}

/**
 * Search box and filter editor of a record list.
 *
 * @example
 * ```tsx
 * <ListToolbar entity={deal} state={state} onChange={setState} />
 * ```
 */
export function ListToolbar({ entity, state, onChange }: { entity: EntityInfo; state: ListState; onChange: (s: ListState) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [q, setQ] = useState(state.q);
  useEffect(() => setQ(state.q), [state.q]);
  const fields = entity.fields.filter(isSortable);
  const [field, setField] = useState(fields[0]?.name ?? '');
  const [op, setOp] = useState('eq');
  const [value, setValue] = useState('');
  const info = fields.find((f) => f.name === field);

  function search(e: FormEvent) {
    e.preventDefault();
    onChange({ ...state, q: q.trim() });
  }
  function addFilter(e: FormEvent) {
    e.preventDefault();
    if (!field || (value === '' && op !== 'exists')) return;
    onChange({ ...state, filters: [...state.filters, { field, op, value: op === 'exists' && value === '' ? 'true' : value }] });
    setValue('');
  }

  return (
    <div className="toolbar">
      <form role="search" className="search-form" onSubmit={search}>
        <label htmlFor={`${id}-q`} className="visually-hidden">{t('records.searchLabel', { entity: entity.labelPlural })}</label>
        <input id={`${id}-q`} type="search" value={q} placeholder={t('records.searchPlaceholder')} onChange={(e) => setQ(e.target.value)} />
        <button type="submit">{t('actions.search')}</button>
      </form>
      <details className="filters">
        <summary>{t('records.filters', { count: state.filters.length })}</summary>
        <form className="filter-form" onSubmit={addFilter}>
          <label htmlFor={`${id}-field`}>{t('records.filterField')}</label>
          <select id={`${id}-field`} value={field} onChange={(e) => setField(e.target.value)}>
            {fields.map((f) => (
              <option key={f.name} value={f.name}>{fieldLabel(entity, f.name)}</option>
            ))}
          </select>
          <label htmlFor={`${id}-op`}>{t('records.filterOp')}</label>
          <select id={`${id}-op`} value={op} onChange={(e) => setOp(e.target.value)}>
            {opsFor(info).map((o) => (
              <option key={o} value={o}>{t(`filterOps.${o}`)}</option>
            ))}
          </select>
          <label htmlFor={`${id}-value`}>{t('records.filterValue')}</label>
          {info?.enum && op !== 'exists' && op !== 'in' ? (
            <select id={`${id}-value`} value={value} onChange={(e) => setValue(e.target.value)}>
              <option value="">{t('forms.choose')}</option>
              {info.enum.map((v) => (
                <option key={String(v)} value={String(v)}>{info.enumLabels?.[String(v)] ?? String(v)}</option>
              ))}
            </select>
          ) : (
            <input
              id={`${id}-value`}
              value={value}
              type={info?.format === 'date' && op !== 'in' ? 'date' : 'text'}
              placeholder={op === 'exists' ? 'true / false' : op === 'in' ? t('records.commaSeparated') : ''}
              onChange={(e) => setValue(e.target.value)}
            />
          )}
          <button type="submit">{t('records.addFilter')}</button>
        </form>
      </details>
      {state.filters.length > 0 && (
        <ul className="chips" aria-label={t('records.activeFilters')}>
          {state.filters.map((f, i) => (
            <li key={`${f.field}-${f.op}-${i}`} className="chip">
              <span>{fieldLabel(entity, f.field)} {t(`filterOps.${f.op}`)} {f.value}</span>
              <button
                type="button"
                aria-label={t('records.removeFilter', { field: fieldLabel(entity, f.field) })}
                onClick={() => onChange({ ...state, filters: state.filters.filter((_, j) => j !== i) })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
