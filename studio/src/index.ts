/**
 * @pipewright/studio: the React studio. Its build (`vite build` -> `dist/`) is served by the
 * runtime; these exports are for tests and plugin studio code.
 */
export { App } from './app/App';
export { Root } from './app/Root';
export { RecordForm, type RecordFormProps } from './forms/RecordForm';
export { InterpretingValidator } from './forms/validator';
export { problemToErrorSchema } from './forms/server-errors';
