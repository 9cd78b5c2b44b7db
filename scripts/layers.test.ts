import { createRequire } from 'node:module';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const config = createRequire(import.meta.url)('../.dependency-cruiser.cjs') as IConfiguration;

async function violations(paths: string[]): Promise<string[]> {
  const result = await cruise(paths, { validate: true, ruleSet: { forbidden: config.forbidden ?? [] }, ...config.options });
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

describe('layer rules (dependency-cruiser, .dependency-cruiser.cjs)', () => {
  it('hold for the repository', async () => {
    expect(await violations(['core/src', 'runtime/src', 'studio/src', 'plugins', 'sdk/src'])).toEqual([]);
  });

  it('fail on a fixture that breaks each rule', async () => {
    const found = await violations(['scripts/fixtures/layers']);
    const F = 'scripts/fixtures/layers';
    expect(found).toEqual(
      [
        `core-no-io: ${F}/core/src/io.ts -> fs`,
        `core-no-server-or-ui-libraries: ${F}/core/src/io.ts -> node_modules/hono/dist/types/index.d.ts`,
        `jobs-not-process: ${F}/runtime/src/jobs/worker.ts -> ${F}/runtime/src/process/step.ts`,
        `plugins-not-each-other: ${F}/plugins/bad/src/runtime/index.ts -> ${F}/plugins/other/src/shared.ts`,
        `plugins-only-sdk: ${F}/plugins/bad/src/runtime/index.ts -> core/src/index.ts`,
        `studio-no-runtime: ${F}/studio/src/page.ts -> runtime/src/records/store.ts`,
      ].sort(),
    );
  });
});
