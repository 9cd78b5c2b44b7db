import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { useEntities } from './entities-context';

/** Start page: every entity with a short description. */
export function HomePage() {
  const { t } = useTranslation();
  const { entities } = useEntities();
  return (
    <section>
      <h1>{t('home.title')}</h1>
      <p>{t('home.intro')}</p>
      <ul className="card-grid">
        {entities.map((e) => (
          <li key={e.fullId} className="panel">
            <h2>
              <Link href={`/records/${e.fullId}`}>{e.labelPlural}</Link>
            </h2>
            <p className="muted">{e.fullId}</p>
            {e.description && <p>{e.description}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
