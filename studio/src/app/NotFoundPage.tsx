import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';

/** Shown for an unknown studio address. */
export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <section className="panel">
      <h1>{t('errors.notFoundTitle')}</h1>
      <p>
        <Link href="/">{t('nav.home')}</Link>
      </p>
    </section>
  );
}
