import { DataSource, type DataSourceOptions, type Logger as TypeOrmLogger } from 'typeorm';
import { dbEntities } from './entities/index.js';
import { dbMigrations } from './migrations/index.js';

/** What we log through; Nest's `Logger` and `console` both fit. */
export interface DbLogger {
  log(message: string): void;
  warn(message: string): void;
  debug?(message: string): void;
}

const SLOW_QUERY_MS = 1_000;

type PostgresDataSourceOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

/**
 * A DataSource over our schema. Never `synchronize`, never `migrationsRun`: the schema changes only
 * through `runMigrations`, called deliberately (by `openDatabase`, or a deploy step).
 */
export function createDataSource(
  url: string,
  overrides: Partial<PostgresDataSourceOptions> = {},
  logger?: DbLogger,
): DataSource {
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
    // A failed query already reaches its caller as an exception; logging it too would double every error.
    logger: new TypeOrmLoggerAdapter(logger ?? console),
    maxQueryExecutionTime: SLOW_QUERY_MS,
    ...overrides,
  } as PostgresDataSourceOptions);
}

/** Applies pending migrations, each in its own transaction; returns the names of those applied. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}

/** Sends TypeORM's warnings and slow queries to our logger, its notes to `debug`; drops per-query chatter. */
class TypeOrmLoggerAdapter implements TypeOrmLogger {
  constructor(private readonly logger: DbLogger) {}

  logQuery(): void {}

  logQueryError(): void {}

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow query (${time} ms): ${query.replace(/\s+/g, ' ').slice(0, 300)}`);
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.logger.debug?.(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.debug?.(String(message));
  }
}
