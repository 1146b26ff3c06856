export * from './languages.js';
export * from './registry.js';
