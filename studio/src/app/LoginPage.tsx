import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { login, type AuthUser } from '../api/auth';
import { LanguageSwitch } from '../i18n/LanguageSwitch';

/**
 * The sign-in form.
 *
 * @example
 * ```tsx
 * <LoginPage onSignedIn={(user) => setUser(user)} />
 * ```
 */
export function LoginPage({ onSignedIn, onSubmit }: { onSignedIn: (user: AuthUser) => void; onSubmit?: () => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    onSubmit?.();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await login(email, password));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login" id="main">
      <form className="panel login-form" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t('auth.title')}</h1>
        <label htmlFor="login-email">{t('auth.email')}</label>
        <input id="login-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="login-password">{t('auth.password')}</label>
        <input id="login-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {error && (
          <p role="alert" className="field-error">
            {t('auth.failed', { message: error })}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('status.working') : t('auth.signIn')}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  );
}
