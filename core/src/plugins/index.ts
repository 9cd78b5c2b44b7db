export * from './types';
export * from './define-plugin';
export * from './resolve';
export * from './entity';
export * from './registry';
export * from './loader';
export * from './memory-source';
export * from './metrics';
