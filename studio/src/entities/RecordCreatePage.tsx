import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'wouter';
import { useEntities } from '../app/entities-context';
import { api } from '../api/client';
import { RecordForm } from '../forms/RecordForm';

/**
 * Create a record of any entity with its generated form.
 *
 * @example
 * ```tsx
 * <Route path="/records/:type/new" component={RecordCreatePage} />
 * ```
 */
export function RecordCreatePage() {
  const { t } = useTranslation();
  const { type = '' } = useParams<{ type: string }>();
  const [, navigate] = useLocation();
  const entity = useEntities().byId.get(type);
  if (!entity) return <p role="alert">{t('errors.unknownEntity', { type })}</p>;
  return (
    <section aria-labelledby="create-title">
      <nav aria-label={t('nav.breadcrumb')} className="breadcrumb">
        <Link href={`/records/${type}`}>{entity.labelPlural}</Link>
      </nav>
      <h1 id="create-title">{t('records.new', { entity: entity.label })}</h1>
      <div className="panel">
        <RecordForm
          entity={entity}
          submitLabel={t('actions.create')}
          onSubmit={async (data) => {
            const created = await api.create(type, data);
            navigate(`/records/${type}/${created.id}`);
          }}
          onCancel={() => navigate(`/records/${type}`)}
        />
      </div>
    </section>
  );
}
