import { request } from '../api/client';

/** One in-app notification as `GET /api/notifications` answers it (texts in the studio's language where given). */
export interface StudioNotification {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  record: { id: string; type: string } | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationList {
  unread: number;
  items: StudioNotification[];
}

/**
 * The signed-in user's notifications, newest first, with the unread count.
 *
 * @example
 * ```ts
 * const { unread } = await fetchNotifications({ unread: true, limit: 1 });
 * ```
 */
export function fetchNotifications(o: { unread?: boolean; limit?: number } = {}): Promise<NotificationList> {
  const q = new URLSearchParams();
  if (o.unread) q.set('unread', 'true');
  if (o.limit) q.set('limit', String(o.limit));
  const s = q.toString();
  return request<NotificationList>('GET', `/api/notifications${s ? `?${s}` : ''}`);
}

/** Marks one notification read. */
export function markRead(id: string): Promise<{ readAt: string }> {
  return request('POST', `/api/notifications/${encodeURIComponent(id)}/read`);
}

/** Marks every notification of the user read. */
export function markAllRead(): Promise<{ updated: number }> {
  return request('POST', '/api/notifications/read-all');
}

/** A window event the notification page sends after marking, so the bell updates at once. */
export const NOTIFICATIONS_CHANGED = 'pipewright:notifications-changed';
