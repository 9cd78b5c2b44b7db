import { textIn, type ErrorDetail, type LocalizableText, type TextLocale } from '@pipewright/core';
import type { MiddlewareHandler } from 'hono';
import { requestLocale } from './locale';
import localizeZhModule from 'ajv-i18n/localize/zh/index.js';
import type { ErrorObject } from 'ajv';
import type { Problem } from './problem';

// ajv-i18n is CommonJS; its default export arrives wrapped under some loaders.
const localizeZh = ((localizeZhModule as unknown as { default?: unknown }).default ?? localizeZhModule) as (errors: ErrorObject[] | null | undefined) => void;

/** Problem titles in Simplified Chinese, by status. */
const ZH_TITLES: Record<number, string> = {
  400: '请求有误',
  401: '未登录',
  403: '无权操作',
  404: '未找到',
  405: '不允许的方法',
  409: '冲突',
  412: '数据已变更',
  413: '请求内容过大',
  415: '不支持的媒体类型',
  422: '无法处理的内容',
  428: '缺少前置条件',
  429: '请求过于频繁',
  500: '服务器内部错误',
  503: '服务暂不可用',
};

const num = (v: unknown): string => (typeof v === 'number' ? String(v) : '?');
const quoted = (v: unknown): string => (typeof v === 'string' ? `“${v}”` : '');

/**
 * The platform's own problem types in Simplified Chinese, by `code`: a sentence built from the
 * problem's machine-readable members (never from its English text).
 */
const ZH_DETAILS: Record<string, (p: Problem) => string> = {
  'not-found': (p) => (typeof p.entity === 'string' && typeof p.id === 'string' ? `找不到 ${p.entity} 记录 ${quoted(p.id)}（或你无权查看）。` : typeof p.process === 'string' ? `找不到流程 ${quoted(p.process)}${typeof p.version === 'number' ? ` 的第 ${p.version} 版` : ''}。` : '找不到所请求的内容。'),
  forbidden: () => '你无权执行此操作。',
  'import.rejected-rows': (p) => {
    const total = (p.report as { totalRows?: unknown } | undefined)?.totalRows;
    return `共 ${num(total)} 行中有 ${num(p.badRows)} 行无法导入，因此没有写入任何数据。请修正这些行，或使用 "onError": "skip" 导入其余的行。`;
  },
  unauthenticated: () => '请先登录。',
  'invalid-credentials': () => '邮箱或密码不正确。',
  'invalid-token': () => 'API 令牌格式错误、未知、已过期或已被撤销。',
  'session-expired': () => '会话不存在或已结束，请重新登录。',
  'csrf': () => '请求缺少有效的 CSRF 令牌，请刷新页面后重试。',
  'rate-limited': (p) => (typeof p.retryAfter === 'number' ? `请求过于频繁，请在 ${p.retryAfter} 秒后重试。` : '请求过于频繁，请稍后重试。'),
  'record.stale-version': (p) => `记录在你读取后已被修改（当前版本 ${num(p.currentVersion)}）。请重新加载后重试。`,
  'process.stale-draft': (p) => `流程草稿在你读取后已被修改（当前修订 ${num(p.currentRevision)}）。请重新加载后重试。`,
  'dashboard.stale-revision': (p) => `仪表板在你读取后已被修改（当前修订 ${num(p.currentRevision)}）。请重新加载后重试。`,
  'precondition-required': () => '请在 If-Match 请求头中带上你读取到的 ETag（例如 If-Match: "3"），以免覆盖他人的修改。',
  conflict: () => '该值已被其他条目使用。',
  'record.duplicate': (p) => `已有另一条 ${typeof p.entity === 'string' ? p.entity : ''} 记录使用了相同的值${Array.isArray(p.fields) ? `（${p.fields.join('、')}）` : ''}。`,
  'process.exists': () => '同名流程已存在。',
  'dashboard.exists': () => '同名仪表板已存在。',
  'record.invalid': () => '记录内容不符合要求，请检查标出的字段。',
  'body.invalid': () => '请求内容不符合要求，请检查标出的字段。',
  'query.invalid': () => '查询参数无效。',
  'saved-view.too-many': (p) => `每个页面最多保存 ${num(p.limit)} 个视图，请先删除一个。`,
  'malformed-json': () => '请求内容不是有效的 JSON。',
  'malformed-form': (p) => `请求内容不是有效的${typeof p.media === 'string' ? ` ${p.media} ` : ''}表单。`,
  'unsupported-media-type': () => '请求内容必须是 JSON（Content-Type: application/json）。',
  'body-too-large': () => '请求内容超过了服务器允许的大小。',
  'record.unknown-reference': () => '引用的记录不存在。',
  'record.locked-fields': (p) => `当前阶段锁定了这些字段：${fieldsOf(p)}。如需修改，请先将记录移出该阶段。`,
  'process.invalid': (p) => `流程定义有 ${(p.errors ?? []).length} 个问题${p.errors?.[0] ? `，第一个位于 ${p.errors[0].pointer || '/'}` : ''}。`,
  'process.guard-failed': () => '不满足此转换的条件。',
  'process.requirements-unmet': (p) => `进入${quoted(p.stage)}阶段前还需要：${Array.isArray(p.fields) && p.fields.length > 0 ? p.fields.join('、') : '修改记录'}。`,
  'process.transition-not-allowed': (p) => `流程不允许从当前阶段移动到${quoted(p.to)}。`,
  'process.ambiguous-transition': () => '有多个转换通向该阶段，请指定其中一个。',
  'process.stage-not-in-process': () => '记录所在阶段不在其流程版本中，请先迁移记录。',
  'process.unknown-stage': (p) => `流程中没有阶段${quoted(p.stage)}。`,
  'process.none-published': () => '该实体还没有已发布的流程。',
  'process.guard-budget-exceeded': () => '转换条件的计算量超出上限，移动被拒绝；请管理员简化该条件。',
  'record.stage-not-settable': () => '新记录只能从流程的起始阶段开始，之后请通过转换移动。',
  'storage-unavailable': () => '暂时无法连接数据库，请稍后重试。',
  retry: () => '此次写入与其他修改冲突，请稍后重试。',
  internal: () => '发生了意外错误，已连同请求编号记录在日志中。',
};

/** Located problems (`errors[]`) in Simplified Chinese, by their `code`, beyond ajv's keywords. */
const ZH_ERRORS: Record<string, (d: ErrorDetail) => string> = {
  required: () => '为必填项',
  additionalProperties: () => '不是已知字段',
  enum: (d) => (Array.isArray(d.params?.allowedValues) ? `必须是以下值之一：${d.params.allowedValues.map((v) => JSON.stringify(v)).join('、')}` : '必须是列出的值之一'),
  'unknown-reference': () => '引用的记录不存在',
  unique: () => '已有其他记录使用此值',
  forbidden: () => '无权修改',
  locked: (d) => (d.params?.stage ? `在“${textIn(d.params.stage as LocalizableText, 'zh-CN')}”阶段已锁定` : '已锁定'),
  'forbidden-member': () => '不允许的成员名',
  'transition-not-allowed': () => '当前阶段不允许此移动',
  'not-allowed': () => '不允许',
  conflict: () => '已被占用',
  guard: () => '转换条件未满足',
  // the process checker's problems (the designer shows them on stages and transitions)
  'duplicate-stage': (d) => `阶段标识${str(d.params?.stage)}重复使用`,
  'unknown-stage': (d) => (d.params?.stage !== undefined ? `${str(d.params.stage)}不是流程中的阶段` : '没有这个阶段'),
  'unreachable-stage': (d) => `阶段${str(d.params?.stage)}无法从起始阶段${str(d.params?.from)}到达`,
  'dead-end': (d) => `进行中的阶段${str(d.params?.stage)}没有出口：请添加一个从它出发的转换`,
  'unknown-field': (d) => (d.params?.field !== undefined ? `${str(d.params.field)}不是 ${typeof d.params.entity === 'string' ? d.params.entity : '该实体'} 的字段` : '不是已知字段'),
  schema: (d) => (typeof d.params?.keyword === 'string' ? zhKeyword(d.params.keyword, d) : '不符合流程定义的格式'),
  'invalid-action-config': (d) => (typeof d.params?.keyword === 'string' ? zhKeyword(d.params.keyword, d) : '不符合该动作类型的配置格式'),
};

const str = (v: unknown): string => `“${typeof v === 'string' ? v : JSON.stringify(v) ?? ''}”`;

/** A JSON Schema keyword's message in Chinese: the platform's own wording, else ajv-i18n's. */
function zhKeyword(keyword: string, d: ErrorDetail): string {
  if (keyword === 'required') return '为必填项';
  if (keyword === 'additionalProperties') return '不是已知字段';
  const e = { keyword, params: d.params ?? {}, instancePath: '', schemaPath: '', message: d.message } as ErrorObject;
  localizeZh([e]);
  return e.message ?? d.message;
}

/** ajv keywords whose messages ajv-i18n translates. */
const AJV_KEYWORDS = new Set(['additionalItems', 'items', 'anyOf', 'const', 'contains', 'dependencies', 'dependentRequired', 'false schema', 'format', 'formatMaximum', 'formatMinimum', 'formatExclusiveMaximum', 'formatExclusiveMinimum', 'if', 'maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum', 'maxItems', 'minItems', 'maxLength', 'minLength', 'maxProperties', 'minProperties', 'multipleOf', 'not', 'oneOf', 'pattern', 'patternRequired', 'propertyNames', 'type', 'unevaluatedItems', 'unevaluatedProperties', 'uniqueItems']);

function fieldsOf(p: Problem): string {
  const pointers = (p.errors ?? []).map((e) => e.pointer.split('/').pop() ?? '').filter(Boolean);
  return pointers.join('、');
}

function zhError(d: ErrorDetail, problem: Problem): string {
  const own = d.code ? ZH_ERRORS[d.code] : undefined;
  if (own) return own(d);
  if (d.code && AJV_KEYWORDS.has(d.code)) return zhKeyword(d.code, d);
  if (d.code && d.code === problem.code && ZH_DETAILS[d.code]) return ZH_DETAILS[d.code]?.(problem) ?? d.message;
  return d.message;
}

/**
 * The problem in `locale`: its title, its detail (the error's own text in that language when it
 * quotes content held in several languages, else the platform's sentence for its `code`) and
 * each located error's message. Machine-readable members (`type`, `code`, `pointer`, `params`,
 * extensions) are kept; English is answered as built. A code without a Chinese sentence keeps
 * its English detail under a Chinese title.
 *
 * @example
 * ```ts
 * localizeProblem(problem(404, 'not-found', 'Nothing here.'), 'zh-CN').title; // '未找到'
 * ```
 */
export function localizeProblem(p: Problem, locale: TextLocale, localizedMessage?: LocalizableText): Problem {
  if (locale === 'en') return p;
  const detail = localizedMessage !== undefined && typeof localizedMessage === 'object' && typeof localizedMessage[locale] === 'string' ? textIn(localizedMessage, locale) : (ZH_DETAILS[p.code]?.(p) ?? p.detail);
  return {
    ...p,
    title: ZH_TITLES[p.status] ?? '错误',
    detail,
    ...(p.errors ? { errors: p.errors.map((e) => ({ ...e, message: zhError(e, p) })) } : {}),
  };
}

/**
 * Located problems (the process checker's, a rule checker's) in `locale`, by their `code`;
 * pointers, codes and params unchanged.
 *
 * @example
 * ```ts
 * localizeDetails(problems, 'zh-CN')[0].message; // '阶段“limbo”无法从起始阶段“prospecting”到达'
 * ```
 */
export function localizeDetails<T extends ErrorDetail>(details: readonly T[], locale: TextLocale): T[] {
  if (locale === 'en') return [...details];
  const none = { type: '', title: '', status: 422, detail: '', code: '' } as Problem;
  return details.map((d) => ({ ...d, message: zhError(d, none) }));
}

/** Status codes with a Chinese title (for tests). */
export const LOCALIZED_STATUSES = Object.keys(ZH_TITLES).map(Number);
/** Problem codes with a Chinese detail (for tests and the ADR). */
export const LOCALIZED_CODES = Object.keys(ZH_DETAILS);

/**
 * Middleware: every problem+json answer in the request's language. Answers the error handler
 * already localized (it sets `Content-Language`) pass through; the others (refusals of the
 * authentication middleware, unknown routes, body limits) are rewritten from their `code`.
 * Problems vary by `Accept-Language`.
 *
 * @example
 * ```ts
 * app.use('*', localizeProblems());
 * ```
 */
export function localizeProblems(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (!(res.headers.get('content-type') ?? '').includes('application/problem+json')) return;
    res.headers.append('Vary', 'Accept-Language');
    const locale = requestLocale(c);
    if (locale === 'en' || res.headers.has('content-language')) return;
    let p: Problem;
    try {
      p = (await res.clone().json()) as Problem;
    } catch {
      return;
    }
    if (typeof p !== 'object' || p === null || typeof p.code !== 'string') return;
    const retry = Number(res.headers.get('retry-after'));
    const localized = localizeProblem(p.retryAfter === undefined && Number.isFinite(retry) && retry > 0 ? { ...p, retryAfter: retry } : p, locale);
    if (p.retryAfter === undefined) delete localized.retryAfter;
    const headers = new Headers(res.headers);
    headers.set('Content-Language', locale);
    headers.delete('content-length');
    c.res = new Response(JSON.stringify(localized), { status: res.status, headers });
  };
}
