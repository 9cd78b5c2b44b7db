import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the scale-out test (real runtime processes, nginx and a throwaway
 * PostgreSQL; ADR 008). Kept out of the plain `npm test` run, whose include does not reach
 * `runtime/cluster/`; plugins' cluster tests live in `plugins/<name>/cluster/`. Files run one at a
 * time: each starts several processes on a 2-core machine.
 */
export default defineConfig({
  test: {
    include: ['runtime/cluster/**/*.test.ts', 'plugins/*/cluster/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.tsbuild/**'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
