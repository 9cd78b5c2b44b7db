export * from './database';
export * from './tables';
export * from './migrate';
