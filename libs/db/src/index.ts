export * from './data-source.js';
export * from './db.module.js';
export * from './embedded-postgres.js';
export * from './entities/index.js';
export { dbMigrations } from './migrations/index.js';
export * from './open-database.js';
export * from './ping-database.js';
export * from './processed-messages.js';
