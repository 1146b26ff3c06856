export * from './languages.js';
export * from './registry.js';
export * from './validation.js';
