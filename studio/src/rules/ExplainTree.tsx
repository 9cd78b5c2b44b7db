import { useTranslation } from 'react-i18next';
import type { ExplainNode } from './engine';

/**
 * The explanation of a preview evaluation as a nested list (core's `explain` sentences).
 *
 * @example
 * ```tsx
 * <ExplainTree node={explainForStudio(rule, record)} />
 * ```
 */
export function ExplainTree({ node }: { node: ExplainNode }) {
  const { t } = useTranslation();
  const cls = !node.evaluated ? 'skipped' : node.passed ? 'pass' : 'fail';
  const mark = !node.evaluated ? '○' : node.passed ? '✓' : '✗';
  const leaf = node.op === 'literal' || node.op === 'var';
  return (
    <li className={cls}>
      <span aria-hidden="true">{mark} </span>
      <span className="visually-hidden">{!node.evaluated ? t('rules.notEvaluated') : node.passed ? t('rules.passed') : t('rules.failed')}: </span>
      {node.sentence}
      {!leaf && node.children.length > 0 && (
        <ul className="explain-tree">
          {node.children.map((c, i) => (
            <ExplainTree key={`${c.pointer}-${i}`} node={c} />
          ))}
        </ul>
      )}
    </li>
  );
}
