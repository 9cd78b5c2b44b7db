import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'wouter';
import { useEntities } from '../app/entities-context';
import { api } from '../api/client';
import { ApiError } from '../api/problem';
import type { RecordView } from '../api/types';
import { StageName } from '../process/deal/StageName';
import { StagePanel } from '../process/deal/StagePanel';
import { PluginBoundary, useStudioPlugins } from '../plugins/context';
import { interpolate } from '../plugins/host';
import { fieldWidgetName } from '../forms/plugin-widgets';
import { isRuleVersionsField, RuleVersionPins, SavedRuleRef, savedRuleId } from '../forms/RuleVersionsField';
import { EventHistory } from './EventHistory';
import { PendingOnRecord } from '../approvals/PendingOnRecord';
import { fieldLabel, formatDateTime, formatValue, recordTitle } from './format';
import { orderedFields } from './ordered-fields';
import { useReferenceTitles } from './use-reference-titles';
import { actorName, useUserNames } from '../app/user-names';

/**
 * One record: its fields, system columns, the stage panel of entities with stages, the panels
 * and header actions plugins contribute for its entity (each behind an error panel naming its
 * plugin), and the audit trail; links to edit, and delete.
 *
 * @example
 * ```tsx
 * <Route path="/records/:type/:id" component={RecordDetailPage} />
 * ```
 */
export function RecordDetailPage() {
  const { t, i18n } = useTranslation();
  const { type = '', id = '' } = useParams<{ type: string; id: string }>();
  const [, navigate] = useLocation();
  const { byId } = useEntities();
  const plugins = useStudioPlugins();
  const entity = byId.get(type);
  const [record, setRecord] = useState<RecordView | null>(null);
  const [editable, setEditable] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titles = useReferenceTitles(entity, record ? [record.data] : []);
  const names = useUserNames();

  useEffect(() => {
    const ctrl = new AbortController();
    api.getWithAccess(type, id, ctrl.signal).then(({ record: r, editable: e }) => { setRecord(r); setEditable(e); }).catch((err: unknown) => !ctrl.signal.aborted && setError(err instanceof Error ? err.message : String(err)));
    return () => ctrl.abort();
  }, [type, id]);

  if (!entity) return <p role="alert">{t('errors.unknownEntity', { type })}</p>;
  if (error) return <p role="alert" className="field-error">{error}</p>;
  if (!record) return <p role="status">{t('status.loading')}</p>;

  async function remove() {
    if (!record || !window.confirm(t('records.confirmDelete'))) return;
    try {
      await api.remove(type, id, record.version);
      navigate(`/records/${type}`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  }
  const yesNo: [string, string] = [t('forms.yes'), t('forms.no')];
  const fields = orderedFields(entity);
  const message = (plugin: string, key: string) => interpolate(plugins.translation(plugin, i18n.language)?.messages?.[key] ?? key);
  const display = (name: string, raw: unknown): string => {
    const widget = plugins.fieldWidgets.get(fieldWidgetName(entity, name) ?? '');
    const f = fields.find((x) => x.name === name);
    return widget?.display ? widget.display(raw, i18n.language) : formatValue(f, raw, i18n.language, yesNo, names);
  };
  // Values the entity's plugin computes on read: labelled by its `computed.<key>` messages.
  const computedLabel = (key: string) => {
    const label = entity ? message(entity.plugin, `computed.${key}`) : key;
    return label === `computed.${key}` ? key : label;
  };
  const computedValue = (v: unknown): string => {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'number') return v.toLocaleString(i18n.language, { maximumFractionDigits: 4 });
    if (typeof v === 'boolean') return v ? yesNo[0] : yesNo[1];
    if (typeof v === 'string') return /^\d{4}-\d{2}-\d{2}T/.test(v) ? formatDateTime(v, i18n.language) : v;
    return JSON.stringify(v);
  };
  async function runAction(action: ReturnType<typeof plugins.actionsFor>[number]) {
    if (!record || !entity) return;
    try {
      const next = await action.run({ entity, record, navigate });
      if (next) setRecord(next as RecordView);
    } catch (err) {
      setError(t('plugins.actionFailed', { action: message(action.plugin, action.label), message: err instanceof Error ? err.message : String(err) }));
    }
  }

  return (
    <article aria-labelledby="record-title">
      <nav aria-label={t('nav.breadcrumb')} className="breadcrumb">
        <Link href={`/records/${type}`}>{entity.labelPlural}</Link>
      </nav>
      <div className="page-head">
        <h1 id="record-title">{recordTitle(entity, record.data, record.id)}</h1>
        <div className="actions">
          {editable && <Link href={`/records/${type}/${id}/edit`} className="button primary">{t('actions.edit')}</Link>}
          {plugins.actionsFor(entity, byId).map((a) => (
            <button key={`${a.plugin}.${a.id}`} type="button" data-action={`${a.plugin}.${a.id}`} onClick={() => void runAction(a)}>{message(a.plugin, a.label)}</button>
          ))}
          {editable && <button type="button" className="danger" onClick={() => void remove()}>{t('actions.delete')}</button>}
        </div>
      </div>
      <PendingOnRecord recordId={record.id} version={record.version} />
      <section className="panel" aria-labelledby="fields-title">
        <h2 id="fields-title">{t('records.fields')}</h2>
        <dl className="fields">
          {fields.map((f) => {
            const raw = record.data[f.name];
            const ref = entity.references?.[f.name];
            return (
              <div key={f.name} className="field-row">
                <dt>{fieldLabel(entity, f.name)}</dt>
                <dd>
                  {ref && typeof raw === 'string' ? (
                    <Link href={`/records/${ref.entity}/${raw}`}>{titles.get(raw) ?? raw}</Link>
                  ) : isRuleVersionsField(entity, f.name) && raw && typeof raw === 'object' && Object.keys(raw).length > 0 ? (
                    <RuleVersionPins pins={raw} />
                  ) : savedRuleId(raw) !== undefined ? (
                    <SavedRuleRef id={savedRuleId(raw) ?? ''} />
                  ) : (
                    display(f.name, raw) || <span className="muted">{t('records.noValue')}</span>
                  )}
                </dd>
              </div>
            );
          })}
        </dl>
      </section>
      {record.computed && Object.keys(record.computed).length > 0 && (
        <section className="panel" aria-labelledby="computed-title" data-testid="record-computed">
          <h2 id="computed-title">{t('records.computed')}</h2>
          <dl className="fields">
            {Object.entries(record.computed).map(([k, v]) => (
              <div key={k} className="field-row" data-computed={k}>
                <dt>{computedLabel(k)}</dt>
                <dd>{computedValue(v)}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
      <section className="panel" aria-labelledby="system-title">
        <h2 id="system-title">{t('records.system')}</h2>
        <dl className="fields">
          {record.stage !== null && (
            <div className="field-row"><dt>{t('records.stage')}</dt><dd data-testid="record-stage"><StageName entity={entity} record={record} /></dd></div>
          )}
          <div className="field-row"><dt>{t('records.owner')}</dt><dd data-testid="record-owner">{record.owner ? (names.get(record.owner) ?? record.owner) : '—'}</dd></div>
          <div className="field-row"><dt>{t('records.version')}</dt><dd>{record.version}</dd></div>
          <div className="field-row"><dt>{t('records.created')}</dt><dd>{formatDateTime(record.createdAt, i18n.language)} · {actorName(record.createdBy, names, t)}</dd></div>
          <div className="field-row"><dt>{t('records.updated')}</dt><dd>{formatDateTime(record.updatedAt, i18n.language)} · {actorName(record.updatedBy, names, t)}</dd></div>
        </dl>
      </section>
      {entity.stageful && <StagePanel entity={entity} record={record} onChanged={setRecord} />}
      {plugins.panelsFor(entity, byId).map((p) => (
        <PluginBoundary key={`${p.plugin}.${p.id}`} plugin={p.plugin}>
          <p.component entity={entity} record={record} onChanged={(r) => setRecord(r as RecordView)} />
        </PluginBoundary>
      ))}
      <EventHistory entity={entity} recordId={record.id} version={record.version} />
    </article>
  );
}
