import { DataSource, type DataSourceOptions } from 'typeorm';
import { dbEntities } from './entities/index.js';
import { dbMigrations } from './migrations/index.js';

type PostgresDataSourceOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

/**
 * A DataSource over our schema. Never `synchronize`, never `migrationsRun`: the schema changes only
 * through `runMigrations`, called deliberately (by `openDatabase`, or a deploy step).
 */
export function createDataSource(url: string, overrides: Partial<PostgresDataSourceOptions> = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: dbEntities,
    migrations: dbMigrations,
    migrationsTableName: 'typeorm_migrations',
    migrationsRun: false,
    synchronize: false,
    // gen_random_uuid() is built in since Postgres 13, so we need no extension (managed servers often
    // forbid CREATE EXTENSION).
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    applicationName: 'xreason',
    logging: ['error', 'warn'],
    ...overrides,
  } as PostgresDataSourceOptions);
}

/** Applies pending migrations, each in its own transaction; returns the names of those applied. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}
