import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type FactoryProvider,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Database, openDatabase, type OpenDatabaseOptions } from './open-database.js';
import { type DatabasePing, pingDatabase } from './ping-database.js';

/** Injection token of the open `Database` handle (data source, URL, embedded server). */
export const DB_DATABASE = Symbol.for('xreason.db.Database');
/** Injection token of the TypeORM `DataSource`; the `DataSource` class works as a token too. */
export const DB_DATA_SOURCE = Symbol.for('xreason.db.DataSource');

/** Answers readiness probes (`/readyz`) with one round trip to the database. */
@Injectable()
export class DbHealthIndicator {
  constructor(@Inject(DB_DATA_SOURCE) private readonly dataSource: DataSource) {}

  check(): Promise<DatabasePing> {
    return pingDatabase(this.dataSource);
  }
}

export interface DbModuleAsyncOptions {
  imports?: DynamicModule['imports'];
  inject?: FactoryProvider['inject'];
  /** Receives the `inject`ed providers, in order (method syntax, so typed parameters are accepted). */
  useFactory(...args: unknown[]): OpenDatabaseOptions | Promise<OpenDatabaseOptions>;
}

/**
 * Opens the database when the application starts (embedded unless `databaseUrl` is given, migrated)
 * and closes it — connections first, then the embedded server — on application shutdown. Global, so
 * feature modules inject `DataSource` without importing this one.
 */
@Module({})
export class DbModule implements OnApplicationShutdown {
  constructor(@Inject(DB_DATABASE) private readonly database: Database) {}

  static forRoot(options: OpenDatabaseOptions): DynamicModule {
    return DbModule.withDatabase({ provide: DB_DATABASE, useFactory: () => openDatabase(options) });
  }

  static forRootAsync(options: DbModuleAsyncOptions): DynamicModule {
    return {
      ...DbModule.withDatabase({
        provide: DB_DATABASE,
        inject: options.inject ?? [],
        useFactory: async (...args: unknown[]) => openDatabase(await options.useFactory(...args)),
      }),
      imports: options.imports ?? [],
    };
  }

  private static withDatabase(database: FactoryProvider<Promise<Database>>): DynamicModule {
    return {
      module: DbModule,
      global: true,
      providers: [
        database,
        { provide: DB_DATA_SOURCE, inject: [DB_DATABASE], useFactory: (db: Database) => db.dataSource },
        { provide: DataSource, useExisting: DB_DATA_SOURCE },
        DbHealthIndicator,
      ],
      exports: [DB_DATABASE, DB_DATA_SOURCE, DataSource, DbHealthIndicator],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}
