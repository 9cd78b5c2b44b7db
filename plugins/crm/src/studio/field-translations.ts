import type { PluginTranslation, StudioLanguage } from '@pipewright/studio/plugin-api';

/** Texts of the field-visit pages (外勤签到) and the geo fields, by language. */
const FIELD: Record<StudioLanguage, { messages: Record<string, string>; account: Record<string, string>; activity: Record<string, string> }> = {
  en: {
    account: { latitude: 'Latitude', longitude: 'Longitude' },
    activity: { checkin: 'Check-in', checkout: 'Check-out', distance_km: 'Distance from the account (km)', distance_reason: 'Reason for the distance' },
    messages: {
      'visit.nav': 'Check in at a visit',
      'visits.nav': 'Team visits',
      'visit.title': 'Customer visit',
      'visit.loading': 'Loading…',
      'visit.done': 'Checked out of {{account}} after {{duration}}.',
      'visit.search': 'Find the account',
      'visit.search.placeholder': 'Name of the account',
      'visit.account': 'Account',
      'visit.account.none': 'Type a name to find the account',
      'visit.locating': 'Getting your position…',
      'visit.checkin': 'Check in here',
      'visit.checkout': 'Check out',
      'visit.distance': 'Distance from the account',
      'visit.distance.unknown': 'The account has no coordinates',
      'visit.onsite': 'Time on site',
      'visit.accuracy': 'Position accuracy',
      'visit.far': 'You checked in more than {{limit}} from the account: give a reason to check out.',
      'visit.reason': 'Reason for the distance',
      'visit.outcome': 'Outcome of the visit',
      'visit.geo.denied': 'Location permission is off. Allow this site to use your location, then try again.',
      'visit.geo.unavailable': 'Your position is not available. Turn on location services or move outdoors, then try again.',
      'visit.geo.timeout': 'Getting your position took too long. Try again.',
      'visit.geo.unsupported': 'This browser cannot tell your position; use a phone browser with location.',
      'visit.geo.invalid': 'The browser gave a position that is not valid. Try again.',
      'visit.problem.crm.visit-open': 'You are still checked in at another visit: check out of it first.',
      'visit.problem.crm.visit-reason-required': 'You checked in {{distance}} from the account (more than {{limit}}): give a reason.',
      'visit.problem.crm.visit-imprecise': 'Your position is too imprecise. Turn on precise location or move outdoors, then try again.',
      'visit.problem.crm.visit-checked-out': 'This visit is already checked out.',
      'visit.problem.crm.visit-account': 'Choose an account you can see.',
      'visit.problem.plugin.invalid-body': 'The position or the account is not valid ({{field}}).',
      'visits.title': 'Team visits',
      'visits.day': 'Day',
      'visits.loading': 'Loading the visits…',
      'visits.empty': 'No visits on this day.',
      'visits.norep': 'Without owner',
      'visits.summary': '{{n}} visits, {{time}} on site',
      'visits.col.account': 'Account',
      'visits.col.in': 'Check-in',
      'visits.col.out': 'Check-out',
      'visits.col.duration': 'Time on site',
      'visits.col.distance': 'Distance',
      'visits.col.reason': 'Reason',
      'visits.onsite': 'On site',
    },
  },
  'zh-CN': {
    account: { latitude: '纬度', longitude: '经度' },
    activity: { checkin: '签到', checkout: '签退', distance_km: '距客户距离（公里）', distance_reason: '距离说明' },
    messages: {
      'visit.nav': '外勤签到',
      'visits.nav': '团队拜访',
      'visit.title': '客户拜访',
      'visit.loading': '正在加载…',
      'visit.done': '已从{{account}}签退，停留 {{duration}}。',
      'visit.search': '查找客户',
      'visit.search.placeholder': '客户名称',
      'visit.account': '客户',
      'visit.account.none': '输入名称查找客户',
      'visit.locating': '正在获取位置…',
      'visit.checkin': '在此签到',
      'visit.checkout': '签退',
      'visit.distance': '距客户距离',
      'visit.distance.unknown': '该客户没有坐标',
      'visit.onsite': '现场停留',
      'visit.accuracy': '定位精度',
      'visit.far': '签到位置距客户超过 {{limit}}：请填写原因后签退。',
      'visit.reason': '距离说明',
      'visit.outcome': '拜访结果',
      'visit.geo.denied': '未开启定位权限。请允许本网站使用您的位置后重试。',
      'visit.geo.unavailable': '无法获取您的位置。请开启定位服务或移至室外后重试。',
      'visit.geo.timeout': '获取位置超时，请重试。',
      'visit.geo.unsupported': '此浏览器无法提供位置，请使用支持定位的手机浏览器。',
      'visit.geo.invalid': '浏览器返回的位置无效，请重试。',
      'visit.problem.crm.visit-open': '您还有一次拜访未签退：请先签退。',
      'visit.problem.crm.visit-reason-required': '签到位置距客户 {{distance}}（超过 {{limit}}）：请填写原因。',
      'visit.problem.crm.visit-imprecise': '定位精度不足。请开启精确定位或移至室外后重试。',
      'visit.problem.crm.visit-checked-out': '此次拜访已签退。',
      'visit.problem.crm.visit-account': '请选择您可以查看的客户。',
      'visit.problem.plugin.invalid-body': '位置或客户无效（{{field}}）。',
      'visits.title': '团队拜访',
      'visits.day': '日期',
      'visits.loading': '正在加载拜访…',
      'visits.empty': '当天没有拜访。',
      'visits.norep': '无负责人',
      'visits.summary': '{{n}} 次拜访，现场 {{time}}',
      'visits.col.account': '客户',
      'visits.col.in': '签到',
      'visits.col.out': '签退',
      'visits.col.duration': '现场停留',
      'visits.col.distance': '距离',
      'visits.col.reason': '原因',
      'visits.onsite': '在现场',
    },
  },
};

/**
 * The crm translations with the field-visit texts added (messages, and the geo fields of
 * accounts and activities), kept apart so the base file stays as it is.
 *
 * @example
 * ```ts
 * withFieldVisits(translations).en.messages?.['visit.checkin']; // 'Check in here'
 * ```
 */
export function withFieldVisits(base: Record<StudioLanguage, PluginTranslation>): Record<StudioLanguage, PluginTranslation> {
  const out = {} as Record<StudioLanguage, PluginTranslation>;
  for (const lang of Object.keys(base) as StudioLanguage[]) {
    const b = base[lang];
    const f = FIELD[lang];
    const entities = { ...(b.entities ?? {}) };
    const account = entities['crm.account'];
    const activity = entities['crm.activity'];
    if (account) entities['crm.account'] = { ...account, fields: { ...(account.fields ?? {}), ...f.account } };
    if (activity) entities['crm.activity'] = { ...activity, fields: { ...(activity.fields ?? {}), ...f.activity } };
    out[lang] = { ...b, entities, messages: { ...(b.messages ?? {}), ...f.messages } };
  }
  return out;
}
