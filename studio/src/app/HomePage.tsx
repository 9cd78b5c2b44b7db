import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useEntities } from './entities-context';

/**
 * Every entity the installed plugins contribute, each linking to its records; shown below the
 * home dashboard (`compact`: as a secondary section), or alone when there is none.
 *
 * @example
 * ```tsx
 * <Catalogue compact />
 * ```
 */
export function Catalogue({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const { entities } = useEntities();
  const Heading = compact ? 'h2' : 'h1';
  return (
    <section className={compact ? 'catalogue compact' : 'catalogue'}>
      <Heading>{t('home.title')}</Heading>
      <p>{t('home.intro')}</p>
      <ul className="card-grid">
        {entities.map((e) => (
          <li key={e.fullId} className="panel">
            {compact ? <h3><Link href={`/records/${e.fullId}`}>{e.labelPlural}</Link></h3> : <h2><Link href={`/records/${e.fullId}`}>{e.labelPlural}</Link></h2>}
            <p className="muted">{e.fullId}</p>
            {e.description && <p>{e.description}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
