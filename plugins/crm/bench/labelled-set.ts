import { readFileSync } from 'node:fs';

/**
 * The labelled set of duplicate prevention (查重): the 85 real account names of the demo data
 * set plus 15 Chinese company names written for it (the accounts that exist), perturbations of
 * each that must find their account (positives), and names that must find nothing (negatives:
 * every existing account checked against the others, and 100 other company names).
 */
export interface LabelledSet {
  existing: string[];
  positives: { query: string; origin: string; kind: string }[];
  negatives: { query: string; self?: string }[];
}

const DATASET = new URL('../../../../shared/datasets/crm-sales-opportunities/accounts.csv', import.meta.url);

/** The 85 account names of the demo data set (first column; the names hold no commas). */
export function realAccountNames(): string[] {
  return readFileSync(DATASET, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => (l.split(',')[0] as string).trim());
}

/** Chinese accounts, each with variants a person writes: legal forms, (中国), traditional characters, homophones, pinyin. */
const CHINESE: { name: string; variants: string[] }[] = [
  { name: '华为技术有限公司', variants: ['华为技术', '華為技術有限公司', '华为技术（中国）有限公司', 'Huawei Jishu'] },
  { name: '腾讯科技', variants: ['腾讯科技有限公司', '騰訊科技', '腾迅科技（深圳）有限公司', 'TENGXUN KEJI'] },
  { name: '阿里巴巴网络技术有限公司', variants: ['阿里巴巴网络技术', '阿里巴巴网络技术(中国)有限公司', '阿理巴巴网络技术有限公司', 'Alibaba Wangluo Jishu Co., Ltd.'] },
  { name: '小米科技有限责任公司', variants: ['小米科技', '小米科技股份有限公司', '晓米科技有限公司', 'Xiaomi Keji'] },
  { name: '比亚迪股份有限公司', variants: ['比亚迪', '比亞迪股份有限公司', '比亚迪（中国）有限公司', 'Biyadi'] },
  { name: '京东世纪贸易', variants: ['京东世纪贸易有限公司', '京東世紀貿易', '京东世纪贸易（北京）有限公司', 'Jingdong Shiji Maoyi'] },
  { name: '美团点评', variants: ['美团点评集团', '美團點評', '美团点评有限公司', 'Meituan Dianping'] },
  { name: '百度在线网络技术', variants: ['百度在线网络技术（北京）有限公司', '百度在綫網絡技術', '百度在线网络技术有限公司', 'Baidu Zaixian Wangluo Jishu'] },
  { name: '网易杭州网络', variants: ['网易杭州网络有限公司', '網易杭州網絡', '网易(杭州)网络有限公司', 'Wangyi Hangzhou Wangluo'] },
  { name: '海尔智家股份有限公司', variants: ['海尔智家', '海爾智家', '海尔智家集团', 'Haier Zhijia'] },
  { name: '格力电器', variants: ['格力电器股份有限公司', '格力電器', '格力电器有限公司', 'Geli Dianqi'] },
  { name: '联想集团', variants: ['联想集团有限公司', '聯想集團', '联想（中国）', 'Lianxiang'] },
  { name: '中兴通讯股份有限公司', variants: ['中兴通讯', '中興通訊', '中兴通讯有限公司', 'Zhongxing Tongxun'] },
  { name: '顺丰速运有限公司', variants: ['顺丰速运', '順豐速運', '顺风速运有限公司', 'Shunfeng Suyun'] },
  { name: '宁德时代新能源科技', variants: ['宁德时代新能源科技股份有限公司', '寧德時代新能源科技', '宁德时代新能源科技（中国）有限公司', 'Ningde Shidai Xinnengyuan Keji'] },
];

/** Company names that are none of the above (their own businesses, though some share words). */
const OTHERS = [
  'Northwind Traders', 'Contoso', 'Fabrikam', 'Tailspin Toys', 'Wide World Importers', 'Adventure Works', 'Litware', 'Proseware', 'Coho Winery', 'Lucerne Publishing',
  "Margie's Travel", 'Trey Research', 'Woodgrove Bank', 'Alpine Ski House', 'Blue Yonder Airlines', 'Fourth Coffee', 'Graphic Design Institute', 'Humongous Insurance', 'Southridge Video', 'VanArsdel',
  'Wingtip Toys', 'Bellows College', 'Best For You Organics', 'City Power & Light', 'Consolidated Messenger', 'Datum Corporation', 'Relecloud', 'Munson Pickles', 'Nod Publishers', 'Olympia Paper',
  'Stark Industries', 'Wayne Enterprises', 'Cyberdyne Systems', 'Tyrell Corporation', 'Wonka Industries', 'Soylent Corp', 'Oscorp', 'Aperture Science', 'Black Mesa', 'Vandelay Industries',
  'Dunder Mifflin', 'Prestige Worldwide', 'Sterling Cooper', 'Pied Piper', 'Hooli', 'Monsters Inc', 'Los Pollos Hermanos', 'Wernham Hogg', 'Krusty Krab', 'Nakatomi Trading',
  'Blue Sun', 'Weyland-Yutani', 'Rekall', 'Omni Consumer Products', 'Virtucon', 'Gringotts', 'Ollivanders', 'Duff Beer', 'Planet Express', 'Mom Corp',
  'Silverline Logistics', 'Quartzwave Analytics', 'Harborview Foods', 'Redwood Mechanical', 'Pinecrest Dental', 'Lakeside Printing', 'Maple Grove Farms', 'Ironbridge Capital', 'Copperleaf Studio', 'Brightwater Pools',
  'Northstar Freight', 'Evergreen Solar', 'Summit Legal', 'Granite Peak Outfitters', 'Oakridge Builders', 'Clearview Optics', 'Starling Bank', 'Meridian Health', 'Falcon Aerospace', 'Atlas Robotics',
  '中国石油天然气', '招商银行', '中国平安保险', '万科企业', '蔚来汽车', '携程旅行网', '拼多多', '快手科技', '大疆创新', '字节跳动',
  '中国移动通信', '贵州茅台酒', '伊利实业', '青岛啤酒', '三一重工', '海康威视', '五粮液', '中国建筑', '上海汽车', '光明乳业',
];

const SUFFIXES = [' Inc.', ' Co., Ltd.', ' GmbH', ' LLC', ' Corp', ' Limited', '（中国）有限公司', ' (China) Co., Ltd.'];

/** ASCII to full-width (what a Chinese input method types). */
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');

/** One typing error, varied by `i`: a substitution, a deletion, a transposition or an insertion near the middle. */
function typo(s: string, i: number): string {
  const letters = [...s];
  const p = Math.max(1, Math.min(letters.length - 2, Math.floor(letters.length / 2) + ((i % 3) - 1)));
  const c = letters[p] as string;
  switch (i % 4) {
    case 0:
      letters[p] = c === 'e' ? 'a' : c === 'a' ? 'e' : /[a-z]/.test(c) ? String.fromCharCode(((c.charCodeAt(0) - 97 + 1) % 26) + 97) : 'x';
      break;
    case 1:
      letters.splice(p, 1);
      break;
    case 2:
      letters[p] = letters[p + 1] as string;
      letters[p + 1] = c;
      break;
    default:
      letters.splice(p, 0, c);
  }
  return letters.join('');
}

/**
 * The labelled set, deterministic.
 *
 * @example
 * ```ts
 * const { existing, positives, negatives } = labelledSet();
 * ```
 */
export function labelledSet(): LabelledSet {
  const real = realAccountNames();
  const existing = [...real, ...CHINESE.map((c) => c.name)];
  const positives: LabelledSet['positives'] = [];
  real.forEach((name, i) => {
    const mid = Math.floor(name.length / 2);
    const variants: [string, string][] = [
      ['upper case', name.toUpperCase()],
      ['lower case', name.toLowerCase()],
      ['legal form', name + (SUFFIXES[i % SUFFIXES.length] as string)],
      ['typo', typo(name, i)],
      ['spaces', `  ${name.slice(0, mid)} ${name.slice(mid)}  `],
      ['full width', fullWidth(name)],
      ['punctuation', name.includes('-') || name.includes(' ') ? name.replace(/[-\s]+/g, i % 2 ? '' : '.') : `${name.slice(0, mid)}-${name.slice(mid)}.`],
    ];
    for (const [kind, query] of variants) if (query !== name) positives.push({ query, origin: name, kind });
  });
  for (const c of CHINESE) for (const query of c.variants) if (query && query !== c.name) positives.push({ query, origin: c.name, kind: 'chinese' });
  const negatives: LabelledSet['negatives'] = [...existing.map((name) => ({ query: name, self: name })), ...OTHERS.map((query) => ({ query }))];
  return { existing, positives, negatives };
}

/** Recall and precision of a matcher over the set: `find` answers the existing names a query matches. */
export async function scoreMatcher(set: LabelledSet, find: (query: string, self?: string) => Promise<string[]>): Promise<{ recall: number; precision: number; truePositives: number; falsePositives: number; misses: { query: string; origin: string; kind: string }[]; wrong: { query: string; found: string[] }[] }> {
  let tp = 0;
  let fp = 0;
  const misses: { query: string; origin: string; kind: string }[] = [];
  const wrong: { query: string; found: string[] }[] = [];
  for (const p of set.positives) {
    const found = await find(p.query);
    if (found.includes(p.origin)) tp++;
    else misses.push(p);
    const extra = found.filter((f) => f !== p.origin);
    fp += extra.length;
    if (extra.length > 0) wrong.push({ query: p.query, found: extra });
  }
  for (const n of set.negatives) {
    const found = await find(n.query, n.self);
    fp += found.length;
    if (found.length > 0) wrong.push({ query: n.query, found });
  }
  return { recall: tp / set.positives.length, precision: tp + fp === 0 ? 1 : tp / (tp + fp), truePositives: tp, falsePositives: fp, misses, wrong };
}
