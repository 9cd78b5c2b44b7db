import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const STAMP = 'dist/.built-at';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The studio halves of the built-in plugins (bundled into the studio). */
function pluginStudioDirs(root: string): string[] {
  const plugins = join(root, 'plugins');
  return readdirSync(plugins).map((p) => join(plugins, p, 'src/studio')).filter((d) => statSync(d, { throwIfNoEntry: false })?.isDirectory());
}

/** Newest modification time of everything the studio bundle is built from (built-in plugins' studio halves included). */
function sourcesMtime(studioDir: string): number {
  const root = join(studioDir, '..');
  const files = ['index.html', 'vite.config.ts', 'package.json'].map((f) => statSync(join(studioDir, f)).mtimeMs);
  return Math.max(...files, newestMtime(join(studioDir, 'src')), newestMtime(join(root, 'core/src')), newestMtime(join(root, 'schemas')), ...pluginStudioDirs(root).map(newestMtime));
}

function builtAt(studioDir: string): number {
  try {
    return Number(readFileSync(join(studioDir, STAMP), 'utf8'));
  } catch {
    return 0;
  }
}

/**
 * Runs `build` unless `dist/` holds a build started after the newest source change, under a
 * lock shared by every test worker on the machine (a directory in the temp folder), so parallel
 * test files neither build twice nor empty `dist/` while another file's server serves it.
 *
 * @example
 * ```ts
 * await buildOnce(STUDIO_DIR, () => build({ root: STUDIO_DIR }));
 * ```
 */
export async function buildOnce(studioDir: string, build: () => Promise<unknown>): Promise<void> {
  const lock = join(tmpdir(), `pipewright-studio-build-${createHash('sha1').update(studioDir).digest('hex').slice(0, 12)}.lock`);
  for (let waited = 0; ; waited += 200) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // a crashed holder leaves the lock behind: take it over after three minutes
      if (waited > 180_000 || Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 180_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (builtAt(studioDir) > sourcesMtime(studioDir)) return;
    const started = Date.now();
    await build();
    writeFileSync(join(studioDir, STAMP), String(started));
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
