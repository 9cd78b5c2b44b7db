import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { deleteSavedRule, renameSavedRule, ruleName, type SavedRuleSummary } from '../api/rule-library';

/** What the dialog does: rename a rule, or confirm its deletion. */
export type RuleManageAction = { kind: 'rename' | 'delete'; rule: SavedRuleSummary };

/**
 * The rule library's rename and delete dialog (ADR 032 addendum). Rename edits the English and
 * Chinese names (the id stays: references name it); delete asks for confirmation, and when the
 * server refuses because the rule is in use, shows its answer, which names every use.
 *
 * @example
 * ```tsx
 * <RuleManageDialog action={{ kind: 'delete', rule }} onClose={() => setAction(null)} onDone={reload} />
 * ```
 */
export function RuleManageDialog({ action, onClose, onDone }: { action: RuleManageAction | null; onClose: () => void; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const uid = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const [name, setName] = useState({ en: '', zh: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (action) {
      setName({ en: action.rule.name.en, zh: action.rule.name['zh-CN'] ?? '' });
      setError(null);
      if (!d.open) d.showModal();
    } else if (d.open) d.close();
  }, [action]);
  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      onDone();
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const rename = (e: FormEvent) => {
    e.preventDefault();
    if (!action) return;
    const zh = name.zh.trim();
    void run(() => renameSavedRule(action.rule.id, { name: { en: name.en.trim(), ...(zh ? { 'zh-CN': zh } : {}) } }));
  };
  const title = action ? ruleName(action.rule.name, i18n.language) : '';
  return (
    <dialog ref={ref} className="rule-dialog" aria-labelledby={`${uid}-title`} data-testid="rule-dialog" onClose={onClose}>
      {action?.kind === 'rename' && (
        <form onSubmit={rename}>
          <h2 id={`${uid}-title`}>{t('ruleLibrary.renameTitle', { name: title })}</h2>
          <p className="muted">{t('ruleLibrary.renameHint', { id: action.rule.id })}</p>
          <p>
            <label htmlFor={`${uid}-en`}>{t('ruleLibrary.nameEn')}</label>
            <input id={`${uid}-en`} required maxLength={120} value={name.en} onChange={(e) => setName({ ...name, en: e.target.value })} />
          </p>
          <p>
            <label htmlFor={`${uid}-zh`}>{t('ruleLibrary.nameZh')}</label>
            <input id={`${uid}-zh`} lang="zh-CN" maxLength={120} value={name.zh} onChange={(e) => setName({ ...name, zh: e.target.value })} />
          </p>
          {error && <p role="alert" className="form-alert">{error}</p>}
          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy || name.en.trim() === ''}>{t('ruleLibrary.renameSave')}</button>
            <button type="button" onClick={onClose}>{t('ruleLibrary.cancel')}</button>
          </div>
        </form>
      )}
      {action?.kind === 'delete' && (
        <>
          <h2 id={`${uid}-title`}>{t('ruleLibrary.deleteTitle', { name: title })}</h2>
          <p>{t('ruleLibrary.deleteConfirm', { id: action.rule.id, versions: action.rule.latestVersion })}</p>
          {error && <p role="alert" className="form-alert">{error}</p>}
          <div className="form-actions">
            <button type="button" className="danger" disabled={busy || error !== null} onClick={() => void run(() => deleteSavedRule(action.rule.id))}>{t('ruleLibrary.deleteYes')}</button>
            <button type="button" onClick={onClose} autoFocus>{t('ruleLibrary.cancel')}</button>
          </div>
        </>
      )}
    </dialog>
  );
}
