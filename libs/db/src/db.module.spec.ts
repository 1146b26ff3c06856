import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_DATA_SOURCE, DB_DATABASE, DbHealthIndicator, DbModule } from './db.module.js';
import { RunEntity } from './entities/index.js';
import type { Database } from './open-database.js';
import { isRunning, makeStateDir } from './temp-state-dir.test-helpers.js';

/** A feature service in another module, to show the DataSource is available without importing DbModule. */
@Injectable()
class RunsService {
  constructor(readonly dataSource: DataSource) {}

  count(): Promise<number> {
    return this.dataSource.getRepository(RunEntity).count();
  }
}

@Module({ providers: [RunsService], exports: [RunsService] })
class RunsModule {}

let state: Awaited<ReturnType<typeof makeStateDir>>;

beforeAll(async () => {
  state = await makeStateDir();
});

afterAll(async () => {
  await state?.remove();
});

describe('DbModule', () => {
  it('provides a migrated DataSource and a health indicator, and closes the database on shutdown', async () => {
    @Module({ imports: [DbModule.forRoot({ stateDir: state.path }), RunsModule] })
    class AppModule {}

    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    const database = app.get<Database>(DB_DATABASE);
    const byToken = app.get<DataSource>(DB_DATA_SOURCE);
    try {
      expect(app.get(DataSource)).toBe(byToken);
      expect(byToken).toBe(database.dataSource);
      expect(database.embedded).toBeDefined();
      expect(await app.get(RunsService).count()).toBe(0);
      const health = await app.get(DbHealthIndicator).check();
      expect(health).toMatchObject({ ok: true });
    } finally {
      await app.close();
    }
    expect(byToken.isInitialized).toBe(false);
    expect(isRunning(database.embedded!.pid)).toBe(false);
  });

  it('forRootAsync takes its options from injected providers, here an external URL', async () => {
    // The first test left a cluster under state.path; run it as an "external" server for this one.
    const { startEmbeddedPostgres } = await import('./embedded-postgres.js');
    const server = await startEmbeddedPostgres({ dataDir: `${state.path}/postgres` });
    const CONFIG = Symbol('config');
    try {
      @Module({ providers: [{ provide: CONFIG, useValue: { url: server.url } }], exports: [CONFIG] })
      class ConfigModule {}

      @Module({
        imports: [
          DbModule.forRootAsync({
            imports: [ConfigModule],
            inject: [CONFIG],
            useFactory: (config: { url: string }) => ({ databaseUrl: config.url, stateDir: '/nonexistent' }),
          }),
        ],
      })
      class AppModule {}

      const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
      const database = app.get<Database>(DB_DATABASE);
      expect(database.embedded).toBeUndefined();
      expect(database.url).toBe(server.url);
      expect(await app.get(DbHealthIndicator).check()).toMatchObject({ ok: true });
      await app.close();
      expect(isRunning(server.pid)).toBe(true); // not ours to stop
    } finally {
      await server.stop();
    }
  });
});
