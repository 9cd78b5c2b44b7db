import type { AboutEntity } from './plugin-about';

/**
 * The files `pipewright plugin new <id>` writes, by path relative to the plugin folder. The plugin
 * stands alone: a visit entity, an action that logs a visit about any record, a studio page.
 * With `about` (`--about <plugin.entity>`) it depends on that entity's plugin, and each visit may
 * name a record of that entity (a reference field, filled in by the action on such a record).
 *
 * @example
 * ```ts
 * scaffoldFiles('acme_visits', '0.1.0'); // { 'plugin.json': ..., 'schemas/visit.schema.json': ..., ... }
 * ```
 */
export function scaffoldFiles(id: string, sdkVersion: string, about?: AboutEntity): Record<string, string> {
  const title = id.split('_').map((w) => w[0]?.toUpperCase() + w.slice(1)).join(' ');
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  // the reference field's title: the entity's own label in English; Chinese cannot be read from its definition
  const aboutField = (lang: 'en' | 'zh-CN') => (about ? `, ${about.field}: '${lang === 'en' ? about.label.replaceAll("'", "\\'") : '关联记录'}'` : '');
  return {
    'plugin.json': json({
      $schema: 'https://pipewright.dev/schemas/plugin-manifest.schema.json',
      id,
      name: title,
      description: `${title}: a company plugin made with the Pipewright plugin SDK.`,
      version: '0.1.0',
      apiVersion: 1,
      ...(about ? { dependsOn: { [about.plugin]: about.range } } : {}),
      contributes: {
        entities: ['schemas/visit.schema.json'],
        actionTypes: [{ id: 'log_visit', title: { en: 'Log a visit', 'zh-CN': '记录拜访' }, fields: { subject: { en: 'Subject', 'zh-CN': '主题' } }, configSchema: { type: 'object', additionalProperties: false, properties: { subject: { type: 'string', maxLength: 200 } } } }],
      },
      runtime: 'dist/runtime/index.js',
      studio: 'dist/studio/index.js',
    }),
    'schemas/visit.schema.json': json({
      $schema: 'https://pipewright.dev/schemas/entity.schema.json',
      id: 'visit',
      label: 'Visit',
      labelPlural: 'Visits',
      titleField: 'subject',
      schema: {
        type: 'object',
        required: ['subject', 'visited_on'],
        additionalProperties: false,
        properties: {
          subject: { type: 'string', minLength: 1, maxLength: 200 },
          visited_on: { type: 'string', format: 'date' },
          ...(about ? { [about.field]: { type: 'string', format: 'uuid' } } : {}),
          notes: { type: 'string', maxLength: 4000 },
        },
      },
      ...(about ? { references: { [about.field]: { entity: about.entity, ...(about.lookup ? { lookup: about.lookup } : {}) } } } : {}),
      indexes: [{ fields: ['visited_on'] }],
      ui: { listColumns: ['subject', 'visited_on', ...(about ? [about.field] : [])], searchFields: ['subject'] },
    }),
    'src/runtime/index.ts': `import { definePlugin, type ActionContext } from '@pipewright/plugin-sdk';

/**
 * \`${id}.log_visit\`: records a visit about the record the action concerns, of any entity${about ? `
 * (on a \`${about.entity}\` record, the visit names it in \`${about.field}\`)` : ''}. Idempotent: a
 * repeated delivery finds the visit it created and creates none.
 */
export async function logVisit(ctx: ActionContext): Promise<{ visit: string; created: boolean }> {
  const subject = typeof ctx.config.subject === 'string' ? ctx.config.subject : \`Visit: \${String(ctx.record?.data.name ?? 'record')}\`;
  const data: Record<string, unknown> = { subject, visited_on: new Date().toISOString().slice(0, 10) };
${about ? `  if (ctx.record?.type === '${about.entity}') data.${about.field} = ctx.record.id;
` : ''}  const { id, created } = await ctx.records.create('${id}.visit', { data, owner: ctx.record?.owner ?? null, orgUnit: ctx.record?.orgUnit ?? null });
  return { visit: id, created };
}

export const plugin = definePlugin({
  actions: { log_visit: logVisit },
});
`,
    'src/studio/VisitsPage.ts': `import type { StudioHost, StudioRecord } from '@pipewright/plugin-sdk/studio';

/**
 * The plugin's studio page: the signed-in user's visits, newest first. It is made from the
 * host the studio hands to \`setup\` (the studio's own React, API client and UI kit), so the
 * built module bundles no React of its own.
 */
export function visitsPage({ React, api, ui, useT }: StudioHost) {
  const h = React.createElement;
  return function VisitsPage() {
    const t = useT();
    const [visits, setVisits] = React.useState<StudioRecord[] | null>(null);
    const [failed, setFailed] = React.useState(false);
    React.useEffect(() => {
      const abort = new AbortController();
      api.list('${id}.visit', { sort: '-visited_on', limit: 100 }, abort.signal).then(
        (page) => setVisits(page.items),
        () => abort.signal.aborted || setFailed(true),
      );
      return () => abort.abort();
    }, []);
    if (failed) return h('p', { role: 'alert' }, t('visits.failed'));
    return h(
      'section',
      { 'data-testid': '${id}-visits' },
      h('h1', null, t('visits.title')),
      visits === null
        ? h('p', { 'aria-busy': 'true' }, t('visits.loading'))
        : visits.length === 0
          ? h('p', null, t('visits.empty'))
          : h('ul', null, ...visits.map((v) => h('li', { key: v.id, 'data-visit': v.id }, \`\${String(v.data.visited_on)} \${String(v.data.subject)}\`))),
      h(ui.Link, { href: '/records/${id}.visit' }, t('visits.all')),
    );
  };
}
`,
    'src/studio/index.ts': `import { defineStudioPlugin } from '@pipewright/plugin-sdk/studio';
import { visitsPage } from './VisitsPage';

/** The studio half: one page under /p/${id}/visits, its navigation entry, and its texts in English and Chinese. */
export default defineStudioPlugin({
  id: '${id}',
  setup: (host) => ({
    pages: [{ path: 'visits', component: visitsPage(host) }],
    nav: [{ id: 'visits', label: 'visits.title', href: '/p/${id}/visits' }],
    translations: {
      en: { name: '${title}', entities: { '${id}.visit': { label: 'Visit', labelPlural: 'Visits', fields: { subject: 'Subject', visited_on: 'Visited on'${aboutField('en')}, notes: 'Notes' } } }, messages: { 'visits.title': 'Visits', 'visits.loading': 'Loading visits…', 'visits.empty': 'No visits yet.', 'visits.failed': 'Visits could not be loaded.', 'visits.all': 'All visits' } },
      'zh-CN': { name: '${title}', entities: { '${id}.visit': { label: '拜访', labelPlural: '拜访记录', fields: { subject: '主题', visited_on: '拜访日期'${aboutField('zh-CN')}, notes: '备注' } } }, messages: { 'visits.title': '拜访', 'visits.loading': '正在加载拜访记录…', 'visits.empty': '暂无拜访记录。', 'visits.failed': '无法加载拜访记录。', 'visits.all': '全部拜访' } },
    },
  }),
});
`,
    'test/plugin.test.ts': `import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '@pipewright/plugin-sdk/testing';

const PLUGIN = fileURLToPath(new URL('..', import.meta.url));
let platform: TestPlatform;
// Starting the platform (migrations on in-memory PGlite) takes seconds: allow it two minutes.
beforeAll(async () => {
  platform = await startTestPlatform({ plugins: [PLUGIN] });
}, 120_000);
afterAll(() => platform?.close(), 60_000);

it('a rep records a visit and sees it listed', async () => {
  const res = await platform.rep.api('/api/records/${id}.visit', { method: 'POST', json: { data: { subject: 'Intro call', visited_on: '2026-01-15' } } });
  expect(res.status).toBe(201);
  const list = (await (await platform.rep.api('/api/records/${id}.visit')).json()) as { items: { data: { subject: string } }[] };
  expect(list.items.map((v) => v.data.subject)).toEqual(['Intro call']);
}, 60_000);

it('refuses a visit without a date, naming the field', async () => {
  const res = await platform.rep.api('/api/records/${id}.visit', { method: 'POST', json: { data: { subject: 'No date' } } });
  expect(res.status).toBe(422);
  expect(JSON.stringify(await res.json())).toContain('visited_on');
}, 60_000);
${about ? `
it('refuses a visit naming a ${about.entity} record that does not exist, naming the field', async () => {
  const res = await platform.rep.api('/api/records/${id}.visit', { method: 'POST', json: { data: { subject: 'Nowhere', visited_on: '2026-01-15', ${about.field}: '00000000-0000-4000-8000-000000000000' } } });
  expect(res.status).toBe(422);
  expect(JSON.stringify(await res.json())).toContain('/data/${about.field}');
}, 60_000);
` : ''}`,
    'package.json': json({
      name: id.replaceAll('_', '-'),
      version: '0.1.0',
      private: true,
      type: 'module',
      scripts: {
        build: 'esbuild src/runtime/index.ts --bundle --platform=node --format=esm --packages=external --outfile=dist/runtime/index.js && esbuild src/studio/index.ts --bundle --format=esm --platform=browser --outfile=dist/studio/index.js',
        check: 'pipewright plugin check .',
        test: 'npm run build && vitest run',
      },
      dependencies: { '@pipewright/plugin-sdk': sdkVersion },
      devDependencies: { esbuild: '0.28.2', vitest: '4.1.12', '@types/react': '19.3.3' },
    }),
    'tsconfig.json': json({ compilerOptions: { target: 'ES2022', lib: ['ES2022', 'DOM'], module: 'ESNext', moduleResolution: 'Bundler', strict: true, noEmit: true, skipLibCheck: true }, include: ['src', 'test'] }),
    '.gitignore': 'node_modules/\ndist/\n',
    'README.md': `# ${title}

A Pipewright company plugin, made with \`npm run cli -- plugin new ${id}${about ? ` --about ${about.entity}` : ''}\`.${about ? `
It depends on the \`${about.plugin}\` plugin: a visit may name a record of \`${about.entity}\` (${about.label}) in
\`${about.field}\`, and the action fills it in when it runs on one.` : ''}

| file | what it is |
| --- | --- |
| \`plugin.json\` | the manifest: id, version, what the plugin contributes |
| \`schemas/visit.schema.json\` | the \`${id}.visit\` entity (JSON Schema body, references, indexes) |
| \`src/runtime/index.ts\` | the \`${id}.log_visit\` action, via \`definePlugin\` from \`@pipewright/plugin-sdk\` |
| \`src/studio/index.ts\` | the studio half, via \`defineStudioPlugin\` from \`@pipewright/plugin-sdk/studio\`: a page and its navigation entry, en and zh-CN |
| \`src/studio/VisitsPage.ts\` | the page, made with the studio's own React (\`host.React\`) |
| \`test/plugin.test.ts\` | tests on the real platform, with \`startTestPlatform()\` |

\`\`\`sh
npm install           # @pipewright/plugin-sdk from its tarball or your registry
npm run build         # dist/runtime/index.js and dist/studio/index.js (the manifest points at them)
npm test              # builds, then runs the tests on in-memory PGlite
\`\`\`

Check the plugin with the platform's loader: \`npm run cli -- plugin check PATH\` in the Pipewright
repository. Load it into a server with \`PIPEWRIGHT_PLUGINS=/path/to/this/folder\`.

Import only \`@pipewright/plugin-sdk\` from the platform. A plugin runs in the server process with
full trust: install only plugins your company wrote or reviewed.
`,
  };
}
