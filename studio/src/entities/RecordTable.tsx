import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import type { EntityInfo, RecordView } from '../api/types';
import { fieldLabel, formatValue, isSortable, listColumns, recordTitle } from './format';
import { nextSort } from './list-state';
import { useReferenceTitles } from './use-reference-titles';
import { useUserNames } from '../app/user-names';

/**
 * The table of a record list; column headers sort when `onSort` is given. At phone width CSS stacks each row as a card
 * (cells carry `data-label`).
 *
 * @example
 * ```tsx
 * <RecordTable entity={deal} records={page.items} sort="-amount" onSort={setSort} />
 * ```
 */
export function RecordTable({ entity, records, sort = '', onSort }: { entity: EntityInfo; records: RecordView[]; sort?: string; onSort?: (sort: string) => void }) {
  const { t, i18n } = useTranslation();
  const columns = listColumns(entity);
  const titles = useReferenceTitles(entity, records.map((r) => r.data));
  const names = useUserNames(columns.some((c) => c.format === 'user'));
  const yesNo: [string, string] = [t('forms.yes'), t('forms.no')];
  if (records.length === 0) return <p className="empty">{t('records.empty')}</p>;
  const titleField = columns.some((c) => c.name === entity.titleField) ? entity.titleField : columns[0]?.name;

  return (
    <div className="table-wrap">
      <table className="records">
        <caption className="visually-hidden">{entity.labelPlural}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const dir = sort === c.name ? 'ascending' : sort === `-${c.name}` ? 'descending' : undefined;
              return (
                <th key={c.name} scope="col" aria-sort={dir ?? 'none'}>
                  {isSortable(c) && onSort ? (
                    <button type="button" className="sort" onClick={() => onSort(nextSort(sort, c.name))}>
                      {fieldLabel(entity, c.name)}
                      <span aria-hidden="true">{dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''}</span>
                    </button>
                  ) : (
                    fieldLabel(entity, c.name)
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.id}>
              {columns.map((c) => {
                const raw = r.data[c.name];
                const text = c.reference && typeof raw === 'string' ? (titles.get(raw) ?? raw.slice(0, 8)) : formatValue(c, raw, i18n.language, yesNo, names);
                return (
                  <td key={c.name} data-label={fieldLabel(entity, c.name)} className={c.type === 'number' || c.format === 'money' ? 'num' : undefined}>
                    {c.name === titleField ? <Link href={`/records/${entity.fullId}/${r.id}`}>{text || recordTitle(entity, r.data, r.id)}</Link> : text}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
