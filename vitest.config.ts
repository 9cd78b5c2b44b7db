import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * One vitest run covers every workspace package. Tests sit next to the code as `*.test.ts`.
 * Storage tests loop over PGlite and, when `TEST_DATABASE_URL` is set, PostgreSQL.
 */
export default defineConfig({
  // as in the studio build (studio/vite.config.ts): @rjsf/core's index imports the ajv8 validator for a test helper only
  resolve: { alias: { '@rjsf/validator-ajv8': fileURLToPath(new URL('./studio/src/forms/no-ajv8-validator.ts', import.meta.url)) } },
  test: {
    include: ['{schemas,core,runtime,studio,sdk}/{src,test}/**/*.test.{ts,tsx}', 'plugins/*/src/**/*.test.ts', 'plugins/*/test/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/.tsbuild/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // processed by vite, so the alias above applies to its imports
    server: { deps: { inline: ['@rjsf/core'] } },
    pool: 'forks',
    maxWorkers: 2,
  },
});
