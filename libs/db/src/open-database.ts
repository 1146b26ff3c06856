import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createDataSource, type DbLogger, runMigrations } from './data-source.js';
import { type PostgresServer, startEmbeddedPostgres } from './embedded-postgres.js';

export interface OpenDatabaseOptions {
  /** An external server (the caller passes `DATABASE_URL`); without it we run an embedded one. */
  databaseUrl?: string;
  /** The embedded server keeps its data in `${stateDir}/postgres`. */
  stateDir: string;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  logger?: DbLogger;
}

export interface Database {
  readonly dataSource: DataSource;
  /** Carries the password: log `redactDatabaseUrl(url)`. */
  readonly url: string;
  /** Present when we started the server ourselves. */
  readonly embedded?: PostgresServer;
  /** Closes the connections, then stops the embedded server if any. Idempotent. */
  close(): Promise<void>;
}

/**
 * Connects to `databaseUrl`, or starts an embedded Postgres under `stateDir`, and migrates the
 * schema. On any failure nothing is left running.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const { logger, migrate = true } = options;
  let embedded: PostgresServer | undefined;
  let url = options.databaseUrl?.trim();
  if (url) {
    logger?.log(`using the external database ${redactDatabaseUrl(url)}`);
  } else {
    embedded = await startEmbeddedPostgres({
      dataDir: join(options.stateDir, 'postgres'),
      onLog: (line) => logger?.debug?.(line),
    });
    url = embedded.url;
    logger?.log(`started an embedded database ${redactDatabaseUrl(url)} (data in ${embedded.dataDir})`);
  }

  const dataSource = createDataSource(url, {}, logger);
  try {
    await dataSource.initialize().catch((error: unknown) => {
      throw new Error(`cannot connect to ${redactDatabaseUrl(url)}: ${messageOf(error)}`, { cause: error });
    });
    if (migrate) {
      const applied = await runMigrations(dataSource);
      if (applied.length > 0) logger?.log(`applied migrations: ${applied.join(', ')}`);
    }
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    await embedded?.stop();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    dataSource,
    url,
    ...(embedded ? { embedded } : {}),
    close: () =>
      (closing ??= (async () => {
        try {
          if (dataSource.isInitialized) await dataSource.destroy();
        } finally {
          await embedded?.stop();
        }
      })()),
  };
}

/**
 * The URL with its password (and any password-like query parameter) removed, for logs and errors.
 * An unparseable string is not echoed at all, since we cannot tell where its secret is.
 */
export function redactDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<unparseable database URL>';
  }
  parsed.password = '';
  for (const key of [...parsed.searchParams.keys()]) {
    if (/pass|secret|key|token/i.test(key)) parsed.searchParams.set(key, 'redacted');
  }
  return parsed.toString();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
