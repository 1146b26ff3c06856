import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { SchemaValidationError } from '@xreason/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { DatabaseConfig, HttpConfig, StateDirConfig, TelemetryConfig } from './building-blocks.js';
import { ConfigError } from './config-error.js';
import { defineConfig } from './config-schema.js';
import { loadConfig } from './load-config.js';

const ServiceConfig = defineConfig(
  Type.Object({
    http: HttpConfig,
    database: DatabaseConfig,
    telemetry: TelemetryConfig,
    stateDir: StateDirConfig,
    worker: Type.Object({
      concurrency: Type.Integer({ env: 'XREASON_WORKER_CONCURRENCY', default: 2, minimum: 1 }),
      ratio: Type.Number({ env: 'XREASON_WORKER_RATIO', default: 0.5 }),
      languages: Type.Array(Type.String({ minLength: 2 }), { env: 'XREASON_WORKER_LANGUAGES', default: ['en'] }),
      mode: Type.Union([Type.Literal('fast'), Type.Literal('exact')], { env: 'XREASON_WORKER_MODE', default: 'fast' }),
      apiToken: Type.Optional(Type.String({ env: 'XREASON_WORKER_API_TOKEN', minLength: 10 })),
    }),
  }),
);

const subject = 'test service configuration';
let dir: string;

function writeFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function loadError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'xreason-config-'));
});

describe('loadConfig', () => {
  it('fills every field from the schema defaults when nothing else is set', () => {
    const config = loadConfig(ServiceConfig, { env: {}, subject });
    expect(config).toEqual({
      http: { host: '0.0.0.0', port: 8080 },
      database: {},
      telemetry: { logLevel: 'info', metrics: true },
      stateDir: resolve('.xreason'),
      worker: { concurrency: 2, ratio: 0.5, languages: ['en'], mode: 'fast' },
    });
    expect(isAbsolute(config.stateDir)).toBe(true);
  });

  it('lets the file override defaults and the environment override the file', () => {
    const file = writeFile(
      'precedence.yaml',
      ['http:', '  host: 127.0.0.1', '  port: 9000', 'worker:', '  concurrency: 4', '  mode: exact'].join('\n'),
    );
    const config = loadConfig(ServiceConfig, { env: { PORT: '9100' }, file, subject });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 9100 });
    expect(config.worker.concurrency).toBe(4);
    expect(config.worker.mode).toBe('exact');
    expect(config.worker.ratio).toBe(0.5);
  });

  it('reads a JSON file named by XREASON_CONFIG_FILE when no file option is given', () => {
    const file = writeFile('from-env.json', JSON.stringify({ worker: { languages: ['de', 'fr'] } }));
    const config = loadConfig(ServiceConfig, { env: { XREASON_CONFIG_FILE: file }, subject });
    expect(config.worker.languages).toEqual(['de', 'fr']);
  });

  it('coerces environment strings to integers, numbers, booleans, lists and enum members', () => {
    const config = loadConfig(ServiceConfig, {
      env: {
        PORT: '0',
        XREASON_WORKER_CONCURRENCY: ' 16 ',
        XREASON_WORKER_RATIO: '0.25',
        XREASON_METRICS: '0',
        XREASON_WORKER_LANGUAGES: 'sw, te,th,',
        XREASON_WORKER_MODE: 'exact',
        XREASON_LOG_LEVEL: 'debug',
        XREASON_STATE_DIR: '/var/lib/xreason',
        DATABASE_URL: 'postgres://u:p@db:5432/xreason',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      },
      subject,
    });
    expect(config.http.port).toBe(0);
    expect(config.worker).toMatchObject({ concurrency: 16, ratio: 0.25, languages: ['sw', 'te', 'th'], mode: 'exact' });
    expect(config.telemetry).toEqual({ logLevel: 'debug', metrics: false, otlpEndpoint: 'http://collector:4318' });
    expect(config.stateDir).toBe('/var/lib/xreason');
    expect(config.database.url).toBe('postgres://u:p@db:5432/xreason');
  });

  it('accepts true/false/1/0 for booleans in any case', () => {
    for (const [raw, expected] of [
      ['TRUE', true],
      ['false', false],
      ['1', true],
      ['0', false],
    ] as const) {
      expect(loadConfig(ServiceConfig, { env: { XREASON_METRICS: raw }, subject }).telemetry.metrics).toBe(expected);
    }
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig(ServiceConfig, { env: { PORT: '', DATABASE_URL: '' }, subject });
    expect(config.http.port).toBe(8080);
    expect(config.database.url).toBeUndefined();
  });

  it('reports every bad field at once with its path and the source of its value', () => {
    const file = writeFile(
      'bad.yaml',
      ['http:', '  host: ""', 'worker:', '  languages: [en, x]', '  ratio: many'].join('\n'),
    );
    const error = loadError(() =>
      loadConfig(ServiceConfig, {
        env: { PORT: 'eighty', XREASON_METRICS: 'maybe', XREASON_WORKER_CONCURRENCY: '0', XREASON_LOG_LEVEL: 'loud' },
        file,
        subject,
      }),
    );
    expect(error).toBeInstanceOf(SchemaValidationError);
    const byPath = Object.fromEntries(error.problems.map((p) => [p.path, p]));
    expect(Object.keys(byPath).sort()).toEqual([
      '/http/host',
      '/http/port',
      '/telemetry/logLevel',
      '/telemetry/metrics',
      '/worker/concurrency',
      '/worker/languages/1',
      '/worker/ratio',
    ]);
    expect(byPath['/http/port']).toMatchObject({ source: 'env PORT', value: 'eighty' });
    expect(byPath['/http/host']).toMatchObject({ source: `file ${file}`, value: '' });
    expect(byPath['/worker/languages/1']).toMatchObject({ source: `file ${file}`, value: 'x' });
    expect(byPath['/worker/concurrency']).toMatchObject({ source: 'env XREASON_WORKER_CONCURRENCY', value: 0 });
    expect(byPath['/telemetry/logLevel']?.message).toBe(
      'expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent"',
    );
    expect(error.message).toContain(`invalid ${subject}: 7 problems`);
    expect(error.message).toContain('/http/port: Expected integer (from env PORT = "eighty")');
    expect(error.message).toContain(`/worker/ratio: Expected number (from file ${file} = "many")`);
  });

  it('names the value that came from a default when the default itself is invalid', () => {
    const schema = Type.Object({ retries: Type.Integer({ minimum: 1, default: 0 }) });
    const error = loadError(() => loadConfig(schema, { env: {}, subject }));
    expect(error.problems).toEqual([expect.objectContaining({ path: '/retries', source: 'default', value: 0 })]);
  });

  it('tells how to set a required field that no source gave', () => {
    const schema = Type.Object({
      kafka: Type.Object({ brokers: Type.Array(Type.String(), { env: 'KAFKA_BROKERS' }) }),
    });
    const error = loadError(() => loadConfig(schema, { env: {}, subject }));
    expect(error.problems).toEqual([
      expect.objectContaining({
        path: '/kafka/brokers',
        source: 'unset',
        hint: 'set env KAFKA_BROKERS or kafka.brokers in the file',
      }),
    ]);
    expect(loadConfig(schema, { env: { KAFKA_BROKERS: 'a:9092,b:9092' }, subject }).kafka.brokers).toEqual([
      'a:9092',
      'b:9092',
    ]);
  });

  it('rejects unknown keys in the file, suggesting the closest known key', () => {
    const file = writeFile(
      'typos.yaml',
      ['htp:', '  port: 1', 'worker:', '  concurency: 3', '  passwrd: hunter2hunter2'].join('\n'),
    );
    const error = loadError(() => loadConfig(ServiceConfig, { env: {}, file, subject }));
    expect(error.problems.map((p) => [p.path, p.message, p.source])).toEqual([
      ['/htp', 'unknown key', `file ${file}`],
      ['/worker/concurency', 'unknown key', `file ${file}`],
      ['/worker/passwrd', 'unknown key', `file ${file}`],
    ]);
    expect(error.problems[0]?.hint).toBe('did you mean "http"?');
    expect(error.problems[1]?.hint).toBe('did you mean "concurrency"?');
    expect(error.message).not.toContain('hunter2');
  });

  it('never prints the values of secret fields, whether marked secret or named like one', () => {
    const file = writeFile(
      'secrets.yaml',
      ['database:', '  url: mysql://root:s3cr3t-pw@db/x', 'worker:', '  apiToken: tok-123'].join('\n'),
    );
    const error = loadError(() => loadConfig(ServiceConfig, { env: {}, file, subject }));
    const byPath = Object.fromEntries(error.problems.map((p) => [p.path, p]));
    expect(Object.keys(byPath).sort()).toEqual(['/database/url', '/worker/apiToken']);
    for (const problem of error.problems) {
      expect(problem.secret).toBe(true);
      expect(problem).not.toHaveProperty('value');
    }
    expect(error.message).not.toContain('s3cr3t-pw');
    expect(error.message).not.toContain('tok-123');
    expect(error.message).toContain('value hidden');

    const fromEnv = loadError(() =>
      loadConfig(ServiceConfig, { env: { DATABASE_URL: 'http://leaked-secret' }, subject }),
    );
    expect(fromEnv.message).toContain('/database/url');
    expect(fromEnv.message).toContain('from env DATABASE_URL, value hidden');
    expect(fromEnv.message).not.toContain('leaked-secret');
  });

  it('reports a missing or unparsable file together with the other problems', () => {
    const missing = loadError(() =>
      loadConfig(ServiceConfig, { env: { PORT: 'x' }, file: join(dir, 'nope.yaml'), subject }),
    );
    expect(missing.problems.map((p) => [p.path, p.source])).toEqual([
      ['', `file ${join(dir, 'nope.yaml')}`],
      ['/http/port', 'env PORT'],
    ]);
    expect(missing.problems[0]?.message).toBe('the configuration file does not exist');

    const broken = writeFile('broken.json', '{"http": ');
    const parse = loadError(() => loadConfig(ServiceConfig, { env: {}, file: broken, subject }));
    expect(parse.problems[0]?.message).toMatch(/^cannot parse the file: /);

    const list = writeFile('list.yaml', '- 1\n- 2\n');
    const notMapping = loadError(() => loadConfig(ServiceConfig, { env: {}, file: list, subject }));
    expect(notMapping.problems[0]?.message).toBe('the file must hold a mapping of configuration keys');
  });

  it('attributes a section the file replaced with a scalar to the file', () => {
    const file = writeFile('scalar.yaml', 'http: 8080\n');
    const error = loadError(() => loadConfig(ServiceConfig, { env: { PORT: '1' }, file, subject }));
    expect(error.problems).toEqual([expect.objectContaining({ path: '/http', source: `file ${file}`, value: 8080 })]);
  });

  it('leaves out an optional section nobody configured, and validates it when configured', () => {
    const schema = Type.Object({
      tls: Type.Optional(Type.Object({ cert: Type.String({ env: 'TLS_CERT' }), keyFile: Type.String() })),
    });
    expect(loadConfig(schema, { env: {}, subject })).toEqual({});
    const error = loadError(() => loadConfig(schema, { env: { TLS_CERT: '/c.pem' }, subject }));
    expect(error.problems).toEqual([
      expect.objectContaining({
        path: '/tls/keyFile',
        message: 'Expected required property',
        hint: 'set tls.keyFile in the file',
      }),
    ]);
  });

  it('turns an error thrown by a decoding transform into a ConfigError for that field', () => {
    const schema = Type.Object({
      url: Type.Transform(Type.String({ env: 'SOME_URL' }))
        .Decode((text) => new URL(text))
        .Encode((url) => url.href),
    });
    expect(loadConfig(schema, { env: { SOME_URL: 'http://a/' }, subject }).url).toBeInstanceOf(URL);
    const error = loadError(() => loadConfig(schema, { env: { SOME_URL: 'not a url' }, subject }));
    expect(error.problems).toEqual([
      expect.objectContaining({ path: '/url', source: 'env SOME_URL', value: 'not a url' }),
    ]);
  });
});

describe('defineConfig', () => {
  it('refuses two fields that claim the same environment variable', () => {
    const schema = Type.Object({
      a: Type.Integer({ env: 'PORT' }),
      b: Type.Object({ c: Type.Integer({ env: 'PORT' }) }),
    });
    expect(() => defineConfig(schema)).toThrow('env PORT is claimed by both /a and /b/c');
  });

  it('refuses an environment variable name a shell cannot set', () => {
    expect(() => defineConfig(Type.Object({ a: Type.String({ env: 'MY-VAR' }) }))).toThrow(/not a valid variable name/);
  });
});
