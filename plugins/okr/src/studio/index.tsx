import { defineStudioPlugin } from '@pipewright/studio/plugin-api';
import { translations } from './translations';

export { translations } from './translations';

/**
 * The okr plugin's studio half: the labels of cycles, objectives, key results and check-ins in
 * en and zh-CN.
 *
 * @example
 * ```ts
 * import okrStudio from '@pipewright/plugin-okr/studio';
 * ```
 */
export default defineStudioPlugin({ id: 'okr', setup: () => ({ translations }) });
