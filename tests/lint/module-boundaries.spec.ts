import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const workspaceRoot = join(import.meta.dirname, '../..');

/**
 * The canary for `@nx/enforce-module-boundaries`: with npm workspaces the rule silently enforces
 * nothing when it cannot map an import to a project, so this test crosses a boundary on purpose and
 * must see the lint error. If it stops failing, the layering in docs/architecture.md is unguarded.
 */
async function boundaryErrors(fromFile: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: workspaceRoot });
  const [result] = await eslint.lintText(code, { filePath: join(workspaceRoot, fromFile) });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('module boundaries', () => {
  // The rule reads Nx's cached project graph and allows everything when there is none (a fresh clone
  // linted outside Nx): build the graph first, as `nx run-many -t lint` does. Every project also needs
  // an `exports` field, services included, or imports of it cannot be mapped to the project.
  beforeAll(() => {
    execFileSync(join(workspaceRoot, 'node_modules/.bin/nx'), ['show', 'projects'], {
      cwd: workspaceRoot,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'ignore',
    });
  }, 120_000);

  it('reject contracts importing an infra lib', async () => {
    const errors = await boundaryErrors(
      'libs/contracts/src/canary.ts',
      "import { openDatabase } from '@xreason/db';\nexport const x = openDatabase;\n",
    );
    // Reported as a circular dependency (db depends on contracts) or as a tag violation: either way, an error.
    expect(errors.join('\n')).toMatch(/type:contracts|Circular dependency/);
  });

  it('reject an infra lib importing another infra lib', async () => {
    const errors = await boundaryErrors(
      'libs/db/src/canary.ts',
      "import { loadConfig } from '@xreason/config';\nexport const x = loadConfig;\n",
    );
    expect(errors.join('\n')).toMatch(/type:infra/);
  });

  it('reject a lib importing a service', async () => {
    const errors = await boundaryErrors('libs/config/src/canary.ts', "import '@xreason/operator';\n");
    expect(errors).not.toEqual([]);
  });

  it('allow a service to import infra and contracts', async () => {
    const errors = await boundaryErrors(
      'services/operator/src/canary.ts',
      "import { validate } from '@xreason/contracts';\nimport { loadConfig } from '@xreason/config';\nexport const x = [validate, loadConfig];\n",
    );
    expect(errors).toEqual([]);
  });
});

describe('workspace packages', () => {
  it('each declare an exports field and a type tag, which the boundary rule depends on', async () => {
    const { readdirSync, readFileSync, existsSync } = await import('node:fs');
    const dirs = ['libs', 'services'].flatMap((group) =>
      readdirSync(join(workspaceRoot, group)).map((d) => join(workspaceRoot, group, d)),
    );
    const missing: string[] = [];
    for (const dir of [...dirs, join(workspaceRoot, 'cli')]) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
        name: string;
        exports?: unknown;
        nx?: { tags?: string[] };
      };
      if (!pkg.exports) missing.push(`${pkg.name}: exports`);
      if (!pkg.nx?.tags?.some((t) => t.startsWith('type:'))) missing.push(`${pkg.name}: type tag`);
    }
    expect(missing).toEqual([]);
  });
});
