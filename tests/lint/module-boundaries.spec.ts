import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

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
  it('reject contracts importing an infra lib', async () => {
    const errors = await boundaryErrors('libs/contracts/src/canary.ts', "import { openDatabase } from '@xreason/db';\nexport const x = openDatabase;\n");
    // Reported as a circular dependency (db depends on contracts) or as a tag violation: either way, an error.
    expect(errors.join('\n')).toMatch(/type:contracts|Circular dependency/);
  });

  it('reject an infra lib importing another infra lib', async () => {
    const errors = await boundaryErrors('libs/db/src/canary.ts', "import { loadConfig } from '@xreason/config';\nexport const x = loadConfig;\n");
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
