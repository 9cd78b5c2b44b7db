/**
 * The studio halves of the built-in plugins, bundled with the studio: every
 * `plugins/<id>/src/studio/index.tsx` of the repository, found by Vite's glob at build time (the
 * shell names no plugin). Keys are the plugin folder names.
 *
 * @example
 * ```ts
 * for (const { folder, module } of builtinStudioModules()) registry.install(module, host);
 * ```
 */
export function builtinStudioModules(): { folder: string; module: unknown }[] {
  const modules = import.meta.glob('../../../plugins/*/src/studio/index.tsx', { eager: true });
  return Object.entries(modules)
    .map(([path, module]) => ({ folder: /plugins\/([^/]+)\/src\/studio\//.exec(path)?.[1] ?? path, module }))
    .sort((a, b) => a.folder.localeCompare(b.folder));
}
