import '../styles/rules.css';
import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'wouter';
import { ApiError } from '../api/problem';
import { createSavedRule, getSavedRule, ruleName, savedRuleUsedBy, updateSavedRule, type RuleUse, type SavedRule } from '../api/rule-library';
import { useEntities } from '../app/entities-context';
import type { JsonValue } from './graph-model';
import { RuleBuilder } from './RuleBuilder';
import { RuleRows } from './RuleRows';
import { entityChoices } from './entity-choices';

type Problem = { pointer: string; message: string };

/** One line of "used by", in the reader's language. */
function usageLine(t: ReturnType<typeof useTranslation>['t'], u: RuleUse): string {
  const line =
    u.kind === 'rule' ? t('ruleLibrary.useRule', { rule: u.rule, pointer: u.pointer })
    : u.kind === 'record' ? t(u.pinned === undefined ? 'ruleLibrary.useRecord' : 'ruleLibrary.useRecordPinned', { record: u.record, type: u.type, pinned: u.pinned, pointer: u.pointer })
    : u.draft ? t('ruleLibrary.useDraft', { process: u.process, pointer: u.pointer })
    : t('ruleLibrary.useVersion', { process: u.process, version: u.version, pinned: u.pinned, pointer: u.pointer });
  return u.via ? `${line} (${t('ruleLibrary.via', { rule: u.via })})` : line;
}

/**
 * A saved rule (or a new one) in the editor (ADR 032): name in English and Chinese, the entity it
 * reads, the rule as a graph or as rows, saved as a new version (a stale save says so and
 * offers a reload), with the version history and what uses the rule.
 *
 * @example
 * ```tsx
 * <Route path="/rules/:id" component={RuleEditorPage} />
 * ```
 */
export function RuleEditorPage() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const params = useParams<{ id?: string }>();
  const ruleId = params.id && params.id !== 'new' ? decodeURIComponent(params.id) : null;
  const [, navigate] = useLocation();
  const { entities, byId } = useEntities();
  const [rule, setRule] = useState<SavedRule | null>(null);
  const [usedBy, setUsedBy] = useState<RuleUse[] | null>(null);
  const [form, setForm] = useState({ id: '', en: '', zh: '', entity: entities[0]?.fullId ?? '', description: '', note: '' });
  const [logic, setLogic] = useState<JsonValue>(true);
  const [mode, setMode] = useState<'graph' | 'rows'>('rows');
  const [drawn, setDrawn] = useState(0);
  const [status, setStatus] = useState<{ kind: 'saved' | 'stale' | 'error'; text: string; problems?: Problem[] } | null>(null);

  const load = useCallback(async (rid: string) => {
    const r = await getSavedRule(rid);
    setRule(r);
    setForm({ id: r.id, en: r.name.en, zh: r.name['zh-CN'] ?? '', entity: r.entity ?? '', description: r.description ?? '', note: '' });
    setLogic((r.versions[0]?.logic ?? true) as JsonValue);
    setDrawn((n) => n + 1);
    setUsedBy(await savedRuleUsedBy(rid));
  }, []);
  useEffect(() => {
    if (ruleId) load(ruleId).catch((err: unknown) => setStatus({ kind: 'error', text: err instanceof Error ? err.message : String(err) }));
  }, [ruleId, load]);

  const onGraph = useCallback((l: JsonValue) => setLogic(l), []);
  const switchTo = (m: 'graph' | 'rows') => {
    setMode(m);
    setDrawn((n) => n + 1);
  };

  const save = async () => {
    const name = { en: form.en.trim(), ...(form.zh.trim() ? { 'zh-CN': form.zh.trim() } : {}) };
    const common = { name, entity: form.entity || null, description: form.description.trim() || null, logic, ...(form.note.trim() ? { note: form.note.trim() } : {}) };
    try {
      const saved = rule ? await updateSavedRule(rule.id, { version: rule.latestVersion, ...common }) : await createSavedRule({ id: form.id.trim(), ...common });
      setStatus({ kind: 'saved', text: t('ruleLibrary.saved', { n: saved.latestVersion }) });
      setRule(saved);
      setForm((f) => ({ ...f, note: '' }));
      if (!rule) navigate(`/rules/${encodeURIComponent(saved.id)}`, { replace: true });
      else setUsedBy(await savedRuleUsedBy(saved.id));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.problem.code === 'rule.stale-version') {
        setStatus({ kind: 'stale', text: t('ruleLibrary.stale', { n: (err.problem as { currentVersion?: number }).currentVersion ?? '?' }) });
      } else if (err instanceof ApiError) {
        setStatus({ kind: 'error', text: err.problem.detail, problems: (err.problem.errors ?? []).map((e) => ({ pointer: e.pointer ?? '', message: e.message })) });
      } else setStatus({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
    }
  };

  const entity = form.entity ? byId.get(form.entity) : undefined;
  const serverProblems = status?.problems?.filter((p) => p.pointer.startsWith('/logic')).map((p) => ({ ...p, pointer: p.pointer.slice('/logic'.length) }));
  const field = (key: 'id' | 'en' | 'zh' | 'description' | 'note', label: string, extra: Record<string, unknown> = {}) => (
    <p>
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input id={`${id}-${key}`} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} {...extra} />
    </p>
  );
  return (
    <section aria-labelledby={`${id}-title`} className="rule-editor">
      <p><Link href="/rules">← {t('ruleLibrary.back')}</Link></p>
      <div className="page-head">
        <h1 id={`${id}-title`}>{rule ? ruleName({ en: form.en || rule.id, ...(form.zh ? { 'zh-CN': form.zh } : {}) }, i18n.language) : t('ruleLibrary.newTitle')}</h1>
        <span>
          <button type="button" className="primary" onClick={() => void save()}>{rule ? t('ruleLibrary.saveVersion', { n: rule.latestVersion + 1 }) : t('ruleLibrary.save')}</button>
        </span>
      </div>
      {status && (
        <div role={status.kind === 'saved' ? 'status' : 'alert'} className={status.kind === 'saved' ? 'muted' : 'form-alert'} data-testid="rule-save-status">
          {status.text}
          {status.kind === 'stale' && rule && <button type="button" onClick={() => void load(rule.id).then(() => setStatus(null))}>{t('ruleLibrary.reload')}</button>}
          {status.problems && status.problems.length > 0 && <ul>{status.problems.map((p, i) => <li key={i}><code>{p.pointer || '/'}</code> {p.message}</li>)}</ul>}
        </div>
      )}
      <div className="rule-meta">
        {!rule && field('id', t('ruleLibrary.id'), { required: true, pattern: '[a-z0-9][a-z0-9_.-]*', 'aria-describedby': `${id}-idhint` })}
        {!rule && <p id={`${id}-idhint`} className="muted">{t('ruleLibrary.idHint', { id: form.id || 'big-discount' })}</p>}
        {field('en', t('ruleLibrary.nameEn'), { required: true })}
        {field('zh', t('ruleLibrary.nameZh'), { lang: 'zh-CN' })}
        <p>
          <label htmlFor={`${id}-entity`}>{t('ruleLibrary.entity')}</label>
          <select id={`${id}-entity`} value={form.entity} onChange={(e) => setForm({ ...form, entity: e.target.value })}>
            <option value="">{t('ruleLibrary.anyEntity')}</option>
            {entityChoices(entities).map((e) => <option key={e.value} value={e.value}>{e.label}</option>)}
          </select>
        </p>
        {field('description', t('ruleLibrary.description'))}
        {rule && field('note', t('ruleLibrary.note'))}
      </div>
      <p role="group" aria-label={t('ruleLibrary.mode')} className="segmented">
        {(['rows', 'graph'] as const).map((m) => (
          <button key={m} type="button" aria-pressed={mode === m} onClick={() => switchTo(m)}>{t(`ruleLibrary.${m}`)}</button>
        ))}
      </p>
      {mode === 'rows' ? (
        <RuleRows entity={entity} logic={logic} onChange={setLogic} />
      ) : (
        <RuleBuilder key={`${drawn}:${form.entity}`} entity={entity} initialRule={logic} onChange={onGraph} {...(serverProblems ? { serverProblems } : {})} />
      )}
      {rule && (
        <div className="rule-history">
          <section className="panel" aria-labelledby={`${id}-versions`}>
            <h2 id={`${id}-versions`}>{t('ruleLibrary.versions')}</h2>
            <ol data-testid="rule-versions">
              {rule.versions.map((v) => (
                <li key={v.version}>
                  <strong>{t('ruleLibrary.versionLine', { n: v.version })}</strong> {t('ruleLibrary.by', { who: v.author })}, {new Date(v.createdAt).toLocaleString(i18n.language)}
                  {v.note && <> — {v.note}</>}{' '}
                  <button type="button" onClick={() => { setLogic(v.logic as JsonValue); setDrawn((n) => n + 1); }}>{t('ruleLibrary.show')}</button>
                  <code className="rule-version-logic">{JSON.stringify(v.logic)}</code>
                </li>
              ))}
            </ol>
          </section>
          <section className="panel" aria-labelledby={`${id}-used`}>
            <h2 id={`${id}-used`}>{t('ruleLibrary.usedBy')}</h2>
            {usedBy && usedBy.length === 0 ? <p className="muted">{t('ruleLibrary.unused')}</p> : <ul data-testid="rule-used-by">{(usedBy ?? []).map((u, i) => <li key={i}>{usageLine(t, u)}</li>)}</ul>}
          </section>
        </div>
      )}
    </section>
  );
}
