import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { EntityInfo, RecordEvent } from '../api/types';
import { actorName, useUserNames } from '../app/user-names';
import { fieldLabel, formatDateTime, formatValue } from './format';
import { isRuleVersionsField, ruleVersionsText, savedRuleId } from '../forms/RuleVersionsField';
import { useReferenceTitles } from './use-reference-titles';
import { useStudioPlugins } from '../plugins/context';
import { fieldWidgetName } from '../forms/plugin-widgets';

/** Changes shown value by value; an event changing more (an import, a creation) lists the fields. */
const MAX_VALUE_CHANGES = 8;

const dataOf = (side: Record<string, unknown> | null): Record<string, unknown> => ((side?.data ?? {}) as Record<string, unknown>) ?? {};

/**
 * What an update changed, value by value: the body fields, plus the owner and the stage when
 * they changed (`before` and `after` are the record views the event stored).
 *
 * @example
 * ```ts
 * valueChanges({ data: { a: 1 }, owner: 'x' }, { data: { a: 2 }, owner: 'y' }); // [{ kind: 'field', name: 'a', before: 1, after: 2 }, { kind: 'owner', ... }]
 * ```
 */
export function valueChanges(before: Record<string, unknown> | null, after: Record<string, unknown> | null): { kind: 'field' | 'owner' | 'stage'; name: string; before: unknown; after: unknown }[] {
  const b = dataOf(before);
  const a = dataOf(after);
  const out: { kind: 'field' | 'owner' | 'stage'; name: string; before: unknown; after: unknown }[] = changedFields(before, after).map((name) => ({ kind: 'field', name, before: b[name], after: a[name] }));
  if (before && after && before.owner !== after.owner && (before.owner !== undefined || after.owner !== undefined)) out.push({ kind: 'owner', name: 'owner', before: before.owner ?? null, after: after.owner ?? null });
  if (before && after && before.stage !== after.stage && (before.stage !== undefined || after.stage !== undefined)) out.push({ kind: 'stage', name: 'stage', before: before.stage ?? null, after: after.stage ?? null });
  return out;
}

/**
 * The names of the body fields an event changed.
 *
 * @example
 * ```ts
 * changedFields({ data: { a: 1 } }, { data: { a: 2, b: 1 } }); // ['a', 'b']
 * ```
 */
export function changedFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string[] {
  const b = ((before?.data ?? {}) as Record<string, unknown>) ?? {};
  const a = ((after?.data ?? {}) as Record<string, unknown>) ?? {};
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
}

/**
 * A record's audit trail, newest first: who did what, when, and which fields changed.
 *
 * @example
 * ```tsx
 * <EventHistory entity={deal} recordId={id} version={record.version} />
 * ```
 */
export function EventHistory({ entity, recordId, version }: { entity: EntityInfo; recordId: string; version: number }) {
  const { t, i18n } = useTranslation();
  const names = useUserNames();
  const plugins = useStudioPlugins();
  const [events, setEvents] = useState<RecordEvent[] | null>(null);
  const titles = useReferenceTitles(entity, (events ?? []).flatMap((e) => [dataOf(e.before), dataOf(e.after)]));
  const yesNo: [string, string] = [t('forms.yes'), t('forms.no')];
  const show = (c: ReturnType<typeof valueChanges>[number], v: unknown): string => {
    if (v === undefined || v === null || v === '') return t('records.noValue');
    if (c.kind === 'owner') return names.get(String(v)) ?? String(v);
    if (c.kind === 'stage') return entity.stageLabels?.[String(v)] ?? String(v);
    const f = entity.fields.find((x) => x.name === c.name);
    if (f?.reference && typeof v === 'string') return titles.get(v) ?? v;
    // pinned saved-rule versions: the rules and their versions, not the map as JSON
    const pins = isRuleVersionsField(entity, c.name) ? ruleVersionsText(v, t) : undefined;
    if (pins !== undefined) return pins;
    const rule = savedRuleId(v);
    if (rule !== undefined) return `${t('forms.savedRuleRef')}${rule}`;
    // a plugin's field widget shows the value as the record page does (e.g. a routing explanation)
    const widget = plugins.fieldWidgets.get(fieldWidgetName(entity, c.name) ?? '');
    return widget?.display ? widget.display(v, i18n.language) : formatValue(f, v, i18n.language, yesNo, names);
  };
  const label = (c: ReturnType<typeof valueChanges>[number]) => (c.kind === 'owner' ? t('records.owner') : c.kind === 'stage' ? t('records.stage') : fieldLabel(entity, c.name));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    api
      .events(entity.fullId, recordId, ctrl.signal)
      .then((r) => setEvents([...r.items].reverse()))
      .catch((err: unknown) => !ctrl.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
    return () => ctrl.abort();
  }, [entity.fullId, recordId, version]);

  return (
    <section className="panel" aria-labelledby="history-title">
      <h2 id="history-title">{t('history.title')}</h2>
      {error && <p role="alert" className="field-error">{error}</p>}
      {!events && !error && <p role="status">{t('status.loading')}</p>}
      {events?.length === 0 && <p className="muted">{t('history.empty')}</p>}
      <ol className="history">
        {events?.map((e) => {
          const changes = e.before ? valueChanges(e.before, e.after) : [];
          const changed = changedFields(e.before, e.after);
          const byValue = e.before !== null && changes.length > 0 && changes.length <= MAX_VALUE_CHANGES;
          return (
            <li key={e.id} data-event={e.action}>
              <p>
                <strong>{t(`history.actions.${e.action}`, { defaultValue: e.action })}</strong>{' '}
                <span className="muted">{t('history.by', { actor: actorName(e.actor, names, t), at: formatDateTime(e.at, i18n.language) })}</span>
              </p>
              {byValue ? (
                <ul className="value-changes">
                  {changes.map((c) => (
                    <li key={`${c.kind}:${c.name}`} data-change={c.name}>
                      <span className="muted">{label(c)}:</span> <del data-testid="old-value">{show(c, c.before)}</del> <span aria-hidden="true">→</span><span className="visually-hidden">{t('history.to')}</span> <ins data-testid="new-value">{show(c, c.after)}</ins>
                    </li>
                  ))}
                </ul>
              ) : (
                changed.length > 0 && <p className="muted">{t('history.changed', { fields: changed.map((f) => fieldLabel(entity, f)).join(', ') })}</p>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
