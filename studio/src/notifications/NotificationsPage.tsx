import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { formatDateTime } from '../entities/format';
import { NOTIFICATIONS_CHANGED, fetchNotifications, markAllRead, markRead, type NotificationList, type StudioNotification } from './api';

/**
 * `/notifications`: the signed-in user's notifications (SLA warnings and breaches, process
 * notices, plugin reminders), newest first, unread ones marked; opening one marks it read and
 * follows its record; "Mark all as read". Texts come in the studio's language where the writer
 * gave it.
 *
 * @example
 * ```tsx
 * <Route path="/notifications" component={NotificationsPage} />
 * ```
 */
export function NotificationsPage() {
  const { t, i18n } = useTranslation();
  const [list, setList] = useState<NotificationList | null>(null);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    setError(null);
    fetchNotifications({ unread: unreadOnly })
      .then(setList)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [unreadOnly]);
  useEffect(load, [load, i18n.language]);

  const changed = () => window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
  const open = async (n: StudioNotification) => {
    if (n.readAt) return;
    try {
      const { readAt } = await markRead(n.id);
      setList((l) => (l ? { unread: Math.max(0, l.unread - 1), items: l.items.map((x) => (x.id === n.id ? { ...x, readAt } : x)) } : l));
      changed();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const readAll = async () => {
    try {
      await markAllRead();
      changed();
      load();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section className="notifications-page" data-testid="notifications">
      <h1>{t('notifications.title')}</h1>
      <div className="notification-tools">
        <label>
          <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> {t('notifications.unreadOnly')}
        </label>
        <button type="button" onClick={() => void readAll()} disabled={!list || list.unread === 0}>{t('notifications.markAllRead')}</button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {!list && !error && <p role="status">{t('status.loading')}</p>}
      {list && <p className="muted" data-testid="notifications-unread">{t('notifications.unreadCount', { count: list.unread })}</p>}
      {list && list.items.length === 0 && <p className="muted">{unreadOnly ? t('notifications.noneUnread') : t('notifications.none')}</p>}
      {list && list.items.length > 0 && (
        <ul className="notification-list">
          {list.items.map((n) => (
            <li key={n.id} className={n.readAt ? 'notification read' : 'notification unread'} data-notification={n.id} data-kind={n.kind} data-read={n.readAt ? 'true' : 'false'}>
              <div className="notification-head">
                {!n.readAt && <span className="badge">{t('notifications.new')}</span>}
                {n.record ? (
                  <Link href={`/records/${n.record.type}/${n.record.id}`} onClick={() => void open(n)} className="notification-title">{n.title}</Link>
                ) : (
                  <strong className="notification-title">{n.title}</strong>
                )}
                <time dateTime={n.createdAt} className="muted">{formatDateTime(n.createdAt, i18n.language)}</time>
              </div>
              {n.body && <p>{n.body}</p>}
              {!n.readAt && (
                <button type="button" className="link-button" onClick={() => void open(n)}>{t('notifications.markRead')}</button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
