import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a directory all at once: files go to a hidden sibling, which is renamed onto `outDir` when
 * everything is written and synced. A reader — or a crashed `model init` — never leaves a directory
 * with a config.json but half its weights. `outDir` must not exist or be empty.
 */
export async function writeDirectoryAtomically(
  outDir: string,
  write: (stagingDir: string) => Promise<void>,
): Promise<void> {
  refuseNonEmpty(outDir);
  await fs.promises.mkdir(dirname(outDir), { recursive: true });
  const staging = join(
    dirname(outDir),
    `.${basename(outDir)}.${process.pid}.${randomBytes(4).toString('hex')}.staging`,
  );
  await fs.promises.mkdir(staging);
  try {
    await write(staging);
    for (const name of await fs.promises.readdir(staging)) {
      const handle = await fs.promises.open(join(staging, name), 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    refuseNonEmpty(outDir);
    // rename(2) replaces an empty directory atomically on Linux.
    await fs.promises.rename(staging, outDir);
  } catch (error) {
    await fs.promises.rm(staging, { recursive: true, force: true });
    throw error;
  }
}

function refuseNonEmpty(outDir: string): void {
  if (fs.existsSync(outDir) && (!fs.statSync(outDir).isDirectory() || fs.readdirSync(outDir).length > 0)) {
    throw new Error(`${outDir} already exists and is not an empty directory; choose another output directory`);
  }
}

export async function writeJson(path: string, value: unknown): Promise<void> {
  await fs.promises.writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}
