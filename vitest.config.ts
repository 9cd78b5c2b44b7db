import { defineConfig } from 'vitest/config';

/**
 * One vitest run covers every workspace package. Tests sit next to the code as `*.test.ts`.
 * Storage tests loop over PGlite and, when `TEST_DATABASE_URL` is set, PostgreSQL.
 */
export default defineConfig({
  test: {
    include: ['{schemas,core,runtime,studio,sdk}/{src,test}/**/*.test.{ts,tsx}', 'plugins/*/src/**/*.test.ts', 'plugins/*/test/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.tsbuild/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
