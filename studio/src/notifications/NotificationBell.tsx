import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { NOTIFICATIONS_CHANGED, fetchNotifications } from './api';

const POLL_MS = 30_000;

/**
 * The header's notification link with the unread count; polls every 30 seconds while the page
 * is visible, on focus, on navigation and when the notification page marks some read.
 *
 * @example
 * ```tsx
 * <NotificationBell />
 * ```
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const [location] = useLocation();
  const [unread, setUnread] = useState<number | null>(null);

  useEffect(() => {
    let alive = true;
    const load = () => {
      if (document.visibilityState === 'hidden') return;
      fetchNotifications({ unread: true, limit: 1 })
        .then((r) => alive && setUnread(r.unread))
        .catch(() => alive && setUnread(null));
    };
    load();
    const timer = window.setInterval(load, POLL_MS);
    window.addEventListener('focus', load);
    window.addEventListener(NOTIFICATIONS_CHANGED, load);
    return () => {
      alive = false;
      window.clearInterval(timer);
      window.removeEventListener('focus', load);
      window.removeEventListener(NOTIFICATIONS_CHANGED, load);
    };
  }, [location]);

  const count = unread ?? 0;
  const label = count > 0 ? t('notifications.unreadLabel', { count }) : t('notifications.title');
  return (
    <Link href="/notifications" className="notification-bell" aria-label={label} title={label} data-testid="notification-bell" data-unread={count}>
      <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.73 21a2 2 0 0 1-3.46 0" />
      </svg>
      {count > 0 && <span className="notification-count" aria-hidden="true">{count > 99 ? '99+' : count}</span>}
    </Link>
  );
}
