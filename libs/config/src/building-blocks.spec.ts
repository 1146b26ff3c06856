import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { KafkaConfig } from './building-blocks.js';
import { ConfigError } from './config-error.js';
import { defineConfig } from './config-schema.js';
import { loadConfig } from './load-config.js';

const Schema = defineConfig(Type.Object({ kafka: KafkaConfig }));

describe('KafkaConfig', () => {
  it('defaults to the local broker', () => {
    expect(loadConfig(Schema, { subject: 'test', env: {} }).kafka).toEqual({
      brokers: ['127.0.0.1:9092'],
      clientId: 'xreason',
      ssl: false,
    });
  });

  it('reads a real cluster from the environment: brokers list, TLS and SASL', () => {
    const config = loadConfig(Schema, {
      subject: 'test',
      env: {
        KAFKA_BROKERS: 'b-1.kafka:9096,b-2.kafka:9096',
        KAFKA_SSL: 'true',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'xreason',
        KAFKA_SASL_PASSWORD: 's3cret',
      },
    });
    expect(config.kafka).toEqual({
      brokers: ['b-1.kafka:9096', 'b-2.kafka:9096'],
      clientId: 'xreason',
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'xreason', password: 's3cret' },
    });
  });

  it('names a broker address without a port and an unknown SASL mechanism, never echoing the password', () => {
    let error: unknown;
    try {
      loadConfig(Schema, {
        subject: 'test',
        env: {
          KAFKA_BROKERS: 'kafka',
          KAFKA_SASL_MECHANISM: 'kerberos',
          KAFKA_SASL_USERNAME: 'u',
          KAFKA_SASL_PASSWORD: 'hunter2',
        },
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/\/kafka\/brokers\/0/);
    expect(message).toMatch(/\/kafka\/sasl\/mechanism/);
    expect(message).not.toMatch(/hunter2/);
  });
});
