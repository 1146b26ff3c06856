import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { DatabaseConfig, HttpConfig } from './building-blocks.js';
import { loadConfig } from './load-config.js';
import { printableConfig } from './printable-config.js';

describe('printableConfig', () => {
  it('hides every secret that has a value and keeps everything else', () => {
    const schema = Type.Object({
      http: HttpConfig,
      database: DatabaseConfig,
      kafka: Type.Object({ saslPassword: Type.Optional(Type.String({ env: 'KAFKA_SASL_PASSWORD' })) }),
      s3: Type.Object(
        { region: Type.String({ default: 'eu' }), id: Type.String({ default: 'AKIA1' }) },
        { secret: true },
      ),
    });
    const config = loadConfig(schema, {
      env: { DATABASE_URL: 'postgres://u:pw@db/x', KAFKA_SASL_PASSWORD: 'sasl-pw' },
      subject: 'test configuration',
    });
    const printable = printableConfig(schema, config);
    expect(printable).toEqual({
      http: { host: '0.0.0.0', port: 8080 },
      database: { url: '[redacted]' },
      kafka: { saslPassword: '[redacted]' },
      s3: { region: '[redacted]', id: '[redacted]' },
    });
    expect(config.database.url).toBe('postgres://u:pw@db/x');
  });

  it('leaves unset secrets absent rather than pretending they are set', () => {
    const schema = Type.Object({ database: DatabaseConfig });
    expect(printableConfig(schema, loadConfig(schema, { env: {}, subject: 'test configuration' }))).toEqual({
      database: {},
    });
  });
});
