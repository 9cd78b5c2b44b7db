import type { WidgetProps } from '@rjsf/utils';
import { lazy, Suspense, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useEntities } from '../app/entities-context';
import { api, type ListParams } from '../api/client';
import type { EntityInfo, RecordView } from '../api/types';
import { recordTitle } from '../entities/format';

// loaded on first use (and so no static import cycle: the dialog's form uses this widget)
const ReferenceCreateDialog = lazy(() => import('./ReferenceCreateDialog'));

interface Option {
  id: string;
  title: string;
}

/** Listing parameters that search `entity` for `text`: its search fields, else its lookup field. */
export function referenceQuery(entity: EntityInfo | undefined, text: string, lookup?: string): ListParams {
  const searchable = Boolean(entity?.ui?.searchFields?.length || entity?.titleField);
  if (!text) return { limit: 10 };
  if (searchable) return { q: text, limit: 10 };
  return lookup ? { filters: [{ field: lookup, op: 'contains', value: text }], limit: 10 } : { limit: 10 };
}

/**
 * rjsf widget for a reference to another record: an accessible combobox that searches
 * `/api/records/<entity>?q=` as you type and stores the chosen record's id; "New …" creates the
 * referenced record inline, in a dialog with its generated form (what was typed fills its title).
 *
 * @example
 * ```ts
 * uiSchema.account_id = { 'ui:widget': 'reference', 'ui:options': { entity: 'acme.site', lookup: 'name' } };
 * ```
 */
export function ReferenceWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, onFocus, options, disabled, readonly, required, rawErrors, autofocus } = props;
  const { t } = useTranslation();
  const { byId } = useEntities();
  const target = byId.get(String(options.entity));
  const lookup = typeof options.lookup === 'string' ? options.lookup : undefined;
  const [text, setText] = useState('');
  const [selected, setSelected] = useState<Option | null>(null);
  const [items, setItems] = useState<Option[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState<Record<string, unknown> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const toOption = (r: RecordView): Option => ({ id: r.id, title: recordTitle(target, r.data, r.id, lookup) });

  useEffect(() => {
    if (typeof value !== 'string' || !value || selected?.id === value) return;
    const ctrl = new AbortController();
    api.get(String(options.entity), value, ctrl.signal).then((r) => setSelected(toOption(r))).catch(() => setSelected({ id: value, title: value }));
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);

  function search(q: string) {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      api
        .list(String(options.entity), referenceQuery(target, q, lookup))
        .then((page) => {
          setItems(page.items.map(toOption));
          setActive(page.items.length ? 0 : -1);
          setError(null);
        })
        .catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
    }, 200);
  }
  function choose(o: Option | null) {
    setSelected(o);
    setText('');
    setOpen(false);
    onChange(o ? o.id : undefined);
  }
  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) {
        setOpen(true);
        search(text);
      } else setActive((a) => Math.min(a + 1, items.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter' && open) {
      e.preventDefault();
      const o = items[active];
      if (o) choose(o);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      setOpen(false);
    }
  }

  const listId = `${id}-listbox`;
  const off = disabled || readonly;
  return (
    <div className="reference-widget">
      <div className="reference-input">
        <input
          id={id}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={open && active >= 0 ? `${listId}-${active}` : undefined}
          aria-invalid={(rawErrors?.length ?? 0) > 0}
          aria-required={required}
          autoComplete="off"
          autoFocus={autofocus}
          disabled={off}
          placeholder={selected ? selected.title : t('forms.searchRecords', { entity: target?.labelPlural ?? String(options.entity) })}
          value={open ? text : (selected?.title ?? '')}
          onFocus={() => {
            onFocus(id, value);
            setOpen(true);
            search(text);
          }}
          onBlur={() => {
            onBlur(id, value);
            setTimeout(() => setOpen(false), 150);
          }}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
            search(e.target.value);
          }}
          onKeyDown={onKeyDown}
        />
        {selected && !off && (
          <button type="button" className="link-button" onClick={() => choose(null)} aria-label={t('forms.clearReference')}>
            ×
          </button>
        )}
        {target && !off && (
          <button type="button" className="reference-new" onClick={() => { setOpen(false); setCreating(target.titleField && text.trim() ? { [target.titleField]: text.trim() } : {}); }}>
            {t('forms.newReference', { entity: target.label })}
          </button>
        )}
      </div>
      {creating && target && (
        <Suspense fallback={null}>
          <ReferenceCreateDialog entity={target} initialData={creating} onClose={() => setCreating(null)} onCreated={(r) => { setCreating(null); choose(toOption(r)); }} />
        </Suspense>
      )}
      {open && (
        <ul id={listId} role="listbox" className="listbox" aria-label={target?.labelPlural ?? String(options.entity)}>
          {error && <li role="presentation" className="field-error">{error}</li>}
          {!error && items.length === 0 && <li role="presentation" className="muted">{t('forms.noMatches')}</li>}
          {items.map((o, i) => (
            <li
              key={o.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(o);
              }}
            >
              {o.title}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
