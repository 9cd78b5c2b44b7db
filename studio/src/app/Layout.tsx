import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { ThemeSwitch } from './ThemeSwitch';
import { NotificationBell } from '../notifications/NotificationBell';
import { PluginFailures, useStudioPlugins } from '../plugins/context';
import { interpolate } from '../plugins/host';
import { useSession } from './AuthGate';
import { useEntities } from './entities-context';

/**
 * The studio frame: header (menu toggle on phones, language, user), the navigation listing
 * each plugin's navigation entries and entities under its name, and the main region (below the
 * error panels of plugins that failed to load).
 *
 * @example
 * ```tsx
 * <Layout><RecordListPage /></Layout>
 * ```
 */
export function Layout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { entities } = useEntities();
  const registry = useStudioPlugins();
  const navByPlugin = registry.navByPlugin();
  const { user, authEnabled, signOut } = useSession();
  const [location] = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [location]);

  const plugins = [...new Set([...navByPlugin.keys(), ...entities.map((e) => e.plugin)])];
  const text = (plugin: string) => registry.translation(plugin, i18n.language);
  const current = (href: string) => (location === href || location.startsWith(`${href}/`) ? 'page' : undefined);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">{t('nav.skipToContent')}</a>
      <header className="topbar">
        <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="sidenav" onClick={() => setMenuOpen((o) => !o)}>
          <span aria-hidden="true">☰</span>
          <span className="visually-hidden">{t('nav.menu')}</span>
        </button>
        <Link href="/" className="brand">{t('app.name')}</Link>
        <div className="topbar-tools">
          <LanguageSwitch />
          <ThemeSwitch />
          {authEnabled && user && (
            <>
              <NotificationBell />
              <span className="user-name">{user.name ?? user.email ?? user.id}</span>
              <button type="button" onClick={() => void signOut()}>{t('auth.signOut')}</button>
            </>
          )}
        </div>
      </header>
      <nav id="sidenav" className={menuOpen ? 'sidenav open' : 'sidenav'} aria-label={t('nav.label')}>
        <ul>
          <li>
            <Link href="/" aria-current={location === '/' ? 'page' : undefined}>{t('nav.home')}</Link>
          </li>
          <li>
            <Link href="/dashboards" aria-current={current('/dashboards')}>{t('dashboards.nav')}</Link>
          </li>
          <li>
            <Link href="/board" aria-current={current('/board')}>{t('nav.board')}</Link>
          </li>
          <li>
            <Link href="/approvals" aria-current={current('/approvals')}>{t('nav.approvals')}</Link>
          </li>
          <li>
            <Link href="/processes" aria-current={current('/processes')}>{t('nav.processes')}</Link>
          </li>
          <li>
            <Link href="/rules" aria-current={current('/rules')}>{t('nav.rules')}</Link>
          </li>
        </ul>
        {plugins.map((plugin) => (
          <section key={plugin} aria-labelledby={`nav-${plugin}`}>
            <h2 id={`nav-${plugin}`} className="nav-group">{text(plugin)?.name ?? t('nav.plugin', { plugin })}</h2>
            <ul>
              {(navByPlugin.get(plugin) ?? []).map((n) => (
                <li key={n.id}>
                  <Link href={n.href} aria-current={location === n.href ? 'page' : undefined} data-nav={`${plugin}.${n.id}`}>{interpolate(text(plugin)?.messages?.[n.label] ?? n.label)}</Link>
                </li>
              ))}
              {entities
                .filter((e) => e.plugin === plugin)
                .map((e) => (
                  <li key={e.fullId}>
                    <Link href={`/records/${e.fullId}`} aria-current={current(`/records/${e.fullId}`)}>{e.labelPlural}</Link>
                  </li>
                ))}
            </ul>
          </section>
        ))}
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <PluginFailures />
        {children}
      </main>
    </div>
  );
}
