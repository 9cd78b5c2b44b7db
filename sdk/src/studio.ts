/**
 * `@pipewright/plugin-sdk/studio`: the studio extension API for a plugin's studio half
 * (`defineStudioPlugin`, the host it receives, the contribution types, translation checks).
 * It has no runtime dependency on the studio: the studio hands the plugin its own React, API
 * client and UI kit through `setup(host)`, so a studio half built on its own bundles no React.
 *
 * @example
 * ```ts
 * import { defineStudioPlugin } from '@pipewright/plugin-sdk/studio';
 * export default defineStudioPlugin({ id: 'acme_visits', setup: ({ React }) => ({ pages: [{ path: 'visits', component: () => React.createElement('h1', null, 'Visits') }] }) });
 * ```
 */
export * from '@pipewright/studio/plugin-api';
export { studioTexts, untranslated, type LabelledContent } from '@pipewright/studio/plugin-api/coverage';
