/**
 * The layer rules (DESIGN.md "Architecture"; docs/adr/018-plugin-sdk.md), checked in `npm test`
 * by scripts/layers.test.ts. `FIXTURE` lets the same rules run on scripts/fixtures/layers, the
 * violating fixture that proves the check can fail.
 */
const FIXTURE = '(?:scripts/fixtures/layers/)?';

/**
 * KNOWN EXCEPTIONS: files that break a rule today, each with the reason and who removes it.
 * Remove a line when its move lands; never add one without a reason.
 */
const EXCEPTIONS = {
  jobsImportingProcess: [],
};

const TESTS = '\\.(test|test-support)\\.tsx?$';
// A plugin's benchmarks start a platform to measure the plugin in it: repository tooling, like its
// tests, not plugin code a company ships (the rules below are about that code).
const PLUGIN_BENCHES = '^plugins/[^/]+/bench/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-no-io',
      comment: 'core is the kernel without I/O: no node:* modules, hono, kysely, pg or react (it declares the small interfaces it needs).',
      severity: 'error',
      from: { path: `^${FIXTURE}core/src/`, pathNot: TESTS },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-no-server-or-ui-libraries',
      comment: 'core imports no hono, kysely, pg or react.',
      severity: 'error',
      from: { path: `^${FIXTURE}core/src/`, pathNot: TESTS },
      to: { path: '(^|/)node_modules/(hono|@hono/[^/]+|kysely|kysely-[^/]+|pg|pg-[^/]+|@electric-sql/pglite|react|react-dom)/' },
    },
    {
      name: 'plugins-only-sdk',
      comment: 'A plugin imports only @pipewright/plugin-sdk of the platform (and its own files and ordinary libraries): not core, runtime, studio or schemas.',
      severity: 'error',
      from: { path: `^${FIXTURE}plugins/[^/]+/`, pathNot: [TESTS, PLUGIN_BENCHES] },
      to: { path: `^(core|runtime|studio|schemas)/` },
    },
    {
      name: 'plugins-not-each-other',
      comment: 'Plugins reach each other by id through the registry (dependsOn), never by import.',
      severity: 'error',
      from: { path: `^${FIXTURE}plugins/([^/]+)/` },
      to: { path: `^${FIXTURE}plugins/`, pathNot: `^${FIXTURE}plugins/$1/` },
    },
    {
      name: 'studio-no-runtime',
      comment: 'The studio talks to the runtime over HTTP only (wire types come from @pipewright/core/api).',
      severity: 'error',
      from: { path: `^${FIXTURE}studio/src/` },
      to: { path: '^runtime/' },
    },
    {
      name: 'jobs-not-process',
      comment: "runtime's jobs (queue, workers, actions) do not import the process module: the process enqueues jobs, not the other way round.",
      severity: 'error',
      from: { path: `^${FIXTURE}runtime/src/jobs/`, pathNot: [TESTS, ...EXCEPTIONS.jobsImportingProcess] },
      to: { path: `^${FIXTURE}runtime/src/process/` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: false,
    // Resolve packages through their `exports` (hono, the workspace packages), so rules see real paths.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], mainFields: ['module', 'main', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'] },
    exclude: { path: '(^|/)\\.tsbuild/|^(sdk|studio)/dist/' },
  },
};
