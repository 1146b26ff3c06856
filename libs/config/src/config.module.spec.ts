import 'reflect-metadata';
import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { HttpConfig } from './building-blocks.js';
import { ConfigError } from './config-error.js';
import { defineConfig, type ConfigOf } from './config-schema.js';
import { CONFIG, ConfigModule } from './config.module.js';

const AppConfig = defineConfig(
  Type.Object({ http: HttpConfig, greeting: Type.String({ env: 'GREETING', default: 'hello' }) }),
);
type AppConfig = ConfigOf<typeof AppConfig>;

@Injectable()
class Greeter {
  constructor(@Inject(CONFIG) private readonly config: AppConfig) {}
  greet(): string {
    return `${this.config.greeting} on ${this.config.http.port}`;
  }
}

@Module({ providers: [Greeter] })
class FeatureModule {}

function appModule(env: Record<string, string>) {
  @Module({ imports: [ConfigModule.forRoot(AppConfig, { env, subject: 'app configuration' }), FeatureModule] })
  class AppModule {}
  return AppModule;
}

describe('ConfigModule', () => {
  it('injects the validated configuration into providers of any module', async () => {
    const app = await NestFactory.createApplicationContext(appModule({ PORT: '9001', GREETING: 'hej' }), {
      logger: false,
    });
    try {
      expect(app.get(Greeter).greet()).toBe('hej on 9001');
      expect(app.get<AppConfig>(CONFIG).http).toEqual({ host: '0.0.0.0', port: 9001 });
    } finally {
      await app.close();
    }
  });

  it('stops start-up with the ConfigError when the configuration is bad', async () => {
    await expect(
      NestFactory.createApplicationContext(appModule({ PORT: 'eighty' }), { logger: false, abortOnError: false }),
    ).rejects.toThrow(ConfigError);
  });
});
