import '../styles/rules.css';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { listSavedRules, ruleName, type SavedRuleSummary } from '../api/rule-library';
import { useEntities } from '../app/entities-context';
import { useIsAdmin } from '../process/use-admin';
import { RuleManageDialog, type RuleManageAction } from './RuleManageDialog';

/**
 * The rule library (ADR 032): saved rules with search, a way to create one, links to open each
 * in the editor, and (admins) rename and delete with a confirmation.
 *
 * @example
 * ```tsx
 * <Route path="/rules" component={RuleLibraryPage} />
 * ```
 */
export function RuleLibraryPage() {
  const { t, i18n } = useTranslation();
  const id = useId();
  const { byId } = useEntities();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<SavedRuleSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const admin = useIsAdmin();
  const [action, setAction] = useState<RuleManageAction | null>(null);
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      listSavedRules(q.trim() || undefined, ctrl.signal).then(
        (r) => {
          setItems(r);
          setError(null);
        },
        (err: unknown) => ctrl.signal.aborted || setError(err instanceof Error ? err.message : String(err)),
      );
    }, 150);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [q, reloads]);
  return (
    <section aria-labelledby={`${id}-title`}>
      <div className="page-head">
        <h1 id={`${id}-title`}>{t('ruleLibrary.title')}</h1>
        <span>
          <Link href="/rules/new" className="button primary">{t('ruleLibrary.newRule')}</Link>{' '}
          <Link href="/rules/builder">{t('ruleLibrary.scratch')}</Link>
        </span>
      </div>
      <p>
        <label htmlFor={`${id}-q`}>{t('ruleLibrary.search')} </label>
        <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </p>
      {error && <p role="alert" className="form-alert">{error}</p>}
      {items === null ? (
        <p className="muted">{t('ruleLibrary.loading')}</p>
      ) : items.length === 0 ? (
        <p className="muted">{q.trim() ? t('ruleLibrary.noMatch', { q: q.trim() }) : t('ruleLibrary.empty')}</p>
      ) : (
        <table className="data-table rule-library" data-testid="rule-library">
          <thead>
            <tr>
              <th>{t('ruleLibrary.columns.name')}</th>
              <th>{t('ruleLibrary.columns.id')}</th>
              <th>{t('ruleLibrary.columns.entity')}</th>
              <th>{t('ruleLibrary.columns.version')}</th>
              <th>{t('ruleLibrary.columns.updated')}</th>
              {admin && <th><span className="visually-hidden">{t('ruleLibrary.columns.actions')}</span></th>}
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} data-testid={`rule-${r.id}`}>
                <td><Link href={`/rules/${encodeURIComponent(r.id)}`}>{ruleName(r.name, i18n.language)}</Link></td>
                <td><code>{r.id}</code></td>
                <td>{r.entity ? (byId.get(r.entity)?.label ?? r.entity) : t('ruleLibrary.anyEntity')}</td>
                <td>{r.latestVersion}</td>
                <td>{new Date(r.updatedAt).toLocaleString(i18n.language)}</td>
                {admin && (
                  <td className="rule-actions">
                    <button type="button" onClick={() => setAction({ kind: 'rename', rule: r })} aria-label={t('ruleLibrary.renameNamed', { name: ruleName(r.name, i18n.language) })}>{t('ruleLibrary.rename')}</button>{' '}
                    <button type="button" className="danger" onClick={() => setAction({ kind: 'delete', rule: r })} aria-label={t('ruleLibrary.deleteNamed', { name: ruleName(r.name, i18n.language) })}>{t('ruleLibrary.delete')}</button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <RuleManageDialog action={action} onClose={() => setAction(null)} onDone={() => setReloads((n) => n + 1)} />
    </section>
  );
}
