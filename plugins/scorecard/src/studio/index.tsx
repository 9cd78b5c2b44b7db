import { defineStudioPlugin } from '@pipewright/studio/plugin-api';
import { translations } from './translations';

export { translations };

/**
 * The scorecard plugin's studio half: the labels of its entities and review stages in en and zh-CN.
 *
 * @example
 * ```ts
 * import scorecardStudio from '@pipewright/plugin-scorecard/studio';
 * ```
 */
export default defineStudioPlugin({ id: 'scorecard', setup: () => ({ translations }) });
