import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

const runtime = process.env.PIPEWRIGHT_RUNTIME_URL ?? 'http://127.0.0.1:3000';

/**
 * Studio build. The output in `dist/` is served by the runtime under a strict CSP
 * (`script-src 'self'`): no inline scripts and no eval, so nothing here may need either.
 * `npm run dev -w @pipewright/studio` proxies the API to a runtime on :3000.
 * Text assets get `.br` and `.gz` siblings at build time; the runtime sends the one the browser
 * accepts (runtime/src/http/static.ts), so no request pays for compressing.
 */
export default defineConfig({
  plugins: [react(), compression({ algorithms: ['gzip', 'brotliCompress'], include: /\.(js|mjs|css|html|svg|json)$/, threshold: 1024 })],
  resolve: {
    // @rjsf/core imports the ajv8 validator from a test helper only; see src/forms/no-ajv8-validator.ts
    alias: { '@rjsf/validator-ajv8': fileURLToPath(new URL('./src/forms/no-ajv8-validator.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'board-deps', test: /studio\/src\/(process\/board\/(use-move|board-entity)|app\/user-names|rules\/ExplainTree|dashboards\/(format|api)|entities\/format)/ },
            // the built-in plugins' text, one chunk per language (each plugin's translations.<lang>.ts and its
            // parts); what both languages share (crm's merge helpers) in a small chunk of its own, else a
            // language's chunk would import the other's
            { name: 'plugin-text', test: /plugins\/[a-z_]+\/src\/studio\/merge-translations\.ts$/, priority: 2 },
            { name: 'plugin-text-en', test: /plugins\/[a-z_]+\/src\/studio\/(.+\/)?[\w-]+\.en\.ts$/ },
            { name: 'plugin-text-zh-cn', test: /plugins\/[a-z_]+\/src\/studio\/(.+\/)?[\w-]+\.zh-cn\.ts$/ },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': runtime,
      '/health': runtime,
      '/openapi.json': runtime,
    },
  },
});
