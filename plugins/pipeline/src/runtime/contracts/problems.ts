import { PipewrightError } from '@pipewright/plugin-sdk';

/** A text in both languages the studio ships. */
export type Bilingual = { en: string; 'zh-CN': string };

/**
 * A problem the contract routes and hooks answer (RFC 9457 problem+json through the platform's
 * error handler), its detail in English and Simplified Chinese, each located error naming a field.
 *
 * @example
 * ```ts
 * throw problem(409, 'pipeline.contract-value-locked', { en: 'Locked.', 'zh-CN': '已锁定。' }, [{ pointer: '/data/value', message: 'locked' }]);
 * ```
 */
export function problem(status: number, code: string, text: Bilingual, details: { pointer: string; message: string; code?: string }[] = []): PipewrightError {
  return new PipewrightError({ code, status, kind: 'user', message: text.en, localizedMessage: text, details: details.map((d) => ({ code, ...d })) });
}

/** 404: no contract (or instalment, change) of that id the caller may see. */
export const notFound = (what: string, id: string) => problem(404, 'not-found', { en: `No ${what} "${id}" that you may see.`, 'zh-CN': `没有您可查看的${what === 'contract' ? '合同' : what === 'change request' ? '变更申请' : '记录'}“${id}”。` });
