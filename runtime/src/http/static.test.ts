import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppEnv } from './context';
import { IMMUTABLE, REVALIDATE, mountStudio } from './static';

const dir = mkdtempSync(join(tmpdir(), 'pw-static-'));
const js = 'console.log("studio");'.repeat(50);
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
writeFileSync(join(dir, 'index.html.gz'), gzipSync('<!doctype html><div id="root"></div>'));
writeFileSync(join(dir, 'assets', 'index-Ab3dE6gH.js'), js);
writeFileSync(join(dir, 'assets', 'index-Ab3dE6gH.js.gz'), gzipSync(js));
writeFileSync(join(dir, 'assets', 'index-Ab3dE6gH.js.br'), brotliCompressSync(js));
writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const app = new Hono<AppEnv>();
mountStudio(app, dir);

describe('the studio build', () => {
  it('sends the precompressed brotli or gzip sibling the browser accepts', async () => {
    const br = await app.request('/assets/index-Ab3dE6gH.js', { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
    expect(br.status).toBe(200);
    expect(br.headers.get('Content-Encoding')).toBe('br');
    expect(br.headers.get('Vary')).toContain('Accept-Encoding');
    expect(br.headers.get('Content-Type')).toMatch(/javascript/);
    const gz = await app.request('/assets/index-Ab3dE6gH.js', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(gz.headers.get('Content-Encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(js);
    const plain = await app.request('/assets/index-Ab3dE6gH.js');
    expect(plain.headers.get('Content-Encoding')).toBeNull();
    expect(await plain.text()).toBe(js);
  });

  it('caches hashed assets for a year and revalidates everything else', async () => {
    expect((await app.request('/assets/index-Ab3dE6gH.js')).headers.get('Cache-Control')).toBe(IMMUTABLE);
    expect((await app.request('/favicon.svg')).headers.get('Cache-Control')).toBe(REVALIDATE);
    const index = await app.request('/', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(index.headers.get('Cache-Control')).toBe(REVALIDATE);
    expect(index.headers.get('Content-Encoding')).toBe('gzip');
  });

  it('answers client routes with index.html, not cached', async () => {
    const res = await app.request('/board');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('id="root"');
    expect(res.headers.get('Cache-Control')).toBe(REVALIDATE);
  });
});
