import { basename, join } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * One test configuration for every project. SWC compiles the TypeScript because esbuild/oxc drop
 * the decorator metadata that NestJS and TypeORM read at run time; the `@xreason/source` condition
 * makes workspace packages resolve to their sources, so tests never run against a stale build.
 */
export function projectTestConfig(projectDir: string, overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  const name = basename(projectDir);
  return defineConfig({
    plugins: [
      swc.vite({
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2023',
        },
        module: { type: 'es6' },
      }),
    ],
    resolve: { conditions: ['@xreason/source'] },
    ssr: { resolve: { conditions: ['@xreason/source'] } },
    test: {
      name,
      root: projectDir,
      include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
      environment: 'node',
      testTimeout: 30_000,
      hookTimeout: 120_000,
      reporters: ['default', ['json', { outputFile: join(projectDir, 'test-results/vitest.json') }]],
      ...overrides,
    },
  });
}
