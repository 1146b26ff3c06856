import { Module, type DynamicModule } from '@nestjs/common';
import type { TObject } from '@sinclair/typebox';
import type { ConfigOf } from './config-schema.js';
import { loadConfig, type LoadConfigOptions } from './load-config.js';

/** Injection token of the validated configuration: `@Inject(CONFIG) config: ConfigOf<typeof MySchema>`. */
export const CONFIG = Symbol.for('@xreason/config');

@Module({})
export class ConfigModule {
  /**
   * Provides the configuration under CONFIG to the whole application. It is loaded when the
   * application starts (not when the module is declared), so a bad configuration stops start-up with
   * one ConfigError.
   */
  static forRoot<T extends TObject>(schema: T, options: LoadConfigOptions): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: CONFIG, useFactory: () => loadConfig(schema, options) }],
      exports: [CONFIG],
    };
  }

  /**
   * Provides an already loaded configuration: a service's main.ts loads it before anything else, so
   * a bad configuration exits with the ConfigError before telemetry, the database or Nest start.
   */
  static forValue<T extends TObject>(_schema: T, config: ConfigOf<T>): DynamicModule {
    return {
      module: ConfigModule,
      global: true,
      providers: [{ provide: CONFIG, useValue: config }],
      exports: [CONFIG],
    };
  }
}
