// Builds the publishable @pipewright/plugin-sdk into sdk/dist and packs it with `npm pack`.
// The workspace packages it needs (@pipewright/core, runtime, schemas) are private: they are
// bundled by esbuild; their third-party dependencies stay external and are listed as the
// package's dependencies. The built-in plugins ship built (JSON data + bundled runtime code),
// so the test kit starts the same platform outside the repository. Types are one .d.ts per
// entry, bundled by dts-bundle-generator.
//
// Usage: node sdk/scripts/pack.mjs [--pack-destination DIR]   prints the tarball's path.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const SDK = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(SDK, '..');
const DIST = join(SDK, 'dist');
const { values } = parseArgs({ options: { 'pack-destination': { type: 'string' } } });
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

const sdkPkg = readJson(join(SDK, 'package.json'));
// Third-party dependencies of the bundled workspace packages, at the versions the platform uses.
const thirdParty = {};
for (const pkg of ['schemas', 'core', 'runtime']) {
  for (const [name, version] of Object.entries(readJson(join(ROOT, pkg, 'package.json')).dependencies ?? {})) {
    if (!name.startsWith('@pipewright/')) thirdParty[name] = version;
  }
}

rmSync(DIST, { recursive: true, force: true });
mkdirSync(DIST, { recursive: true });

// Built-in plugins: data copied, runtime code bundled (sharing chunks with the SDK's entries).
const entryPoints = { index: join(SDK, 'src/index.ts'), studio: join(SDK, 'src/studio.ts'), testing: join(SDK, 'src/testing.ts') };
const PLUGINS = join(ROOT, 'plugins');
for (const name of readdirSync(PLUGINS).sort()) {
  const dir = join(PLUGINS, name);
  if (!existsSync(join(dir, 'plugin.json'))) continue;
  const manifest = readJson(join(dir, 'plugin.json'));
  const out = join(DIST, 'plugins', name);
  mkdirSync(out, { recursive: true });
  for (const sub of ['schemas', 'processes', 'rules', 'dashboards', 'demo']) if (existsSync(join(dir, sub))) cpSync(join(dir, sub), join(out, sub), { recursive: true });
  if (manifest.runtime) {
    entryPoints[`plugins/${name}/runtime`] = join(dir, manifest.runtime);
    manifest.runtime = 'runtime.js';
  }
  writeFileSync(join(out, 'plugin.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

await build({
  entryPoints,
  outdir: DIST,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: Object.keys(thirdParty),
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});

for (const entry of ['index', 'studio', 'testing']) {
  execFileSync(join(ROOT, 'node_modules/.bin/dts-bundle-generator'), ['--silent', '--no-check', '--project', join(SDK, 'tsconfig.dts.json'), '-o', join(DIST, `${entry}.d.ts`), join(SDK, `src/${entry}.ts`)], { stdio: 'inherit' });
}

const pkg = {
  name: sdkPkg.name,
  version: sdkPkg.version,
  description: sdkPkg.description,
  license: 'Apache-2.0',
  type: 'module',
  engines: { node: '>=20.19' },
  exports: {
    '.': { types: './index.d.ts', import: './index.js' },
    './studio': { types: './studio.d.ts', import: './studio.js' },
    './testing': { types: './testing.d.ts', import: './testing.js' },
  },
  types: './index.d.ts',
  dependencies: Object.fromEntries(Object.entries(thirdParty).sort()),
};
writeFileSync(join(DIST, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
cpSync(join(SDK, 'README.md'), join(DIST, 'README.md'));

const destination = resolve(values['pack-destination'] ?? SDK);
mkdirSync(destination, { recursive: true });
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', destination], { cwd: DIST, encoding: 'utf8' }));
console.log(join(destination, packed.filename));
