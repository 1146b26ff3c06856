export * from './building-blocks.js';
export { ConfigError, type ConfigProblem } from './config-error.js';
export { CONFIG, ConfigModule } from './config.module.js';
export { SECRET_NAME, defineConfig, type ConfigFieldOptions, type ConfigOf } from './config-schema.js';
export { coerceEnvValue } from './coerce.js';
export { printableConfig } from './printable-config.js';
export { CONFIG_FILE_ENV, loadConfig, type LoadConfigOptions } from './load-config.js';
