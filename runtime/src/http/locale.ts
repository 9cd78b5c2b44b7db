import { negotiateLocale, type TextLocale } from '@pipewright/core';
import type { Context } from 'hono';

/**
 * The request's language for user-visible text (`Accept-Language`, see `negotiateLocale`).
 *
 * @example
 * ```ts
 * requestLocale(c); // 'zh-CN' for Accept-Language: zh-CN,zh;q=0.9
 * ```
 */
export function requestLocale(c: Context): TextLocale {
  return negotiateLocale(c.req.header('accept-language'));
}
