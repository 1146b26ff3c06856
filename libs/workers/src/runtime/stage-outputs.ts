import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join, relative } from 'node:path';
import { STAGE_OUTPUTS_FILE } from '@xreason/contracts';
import { PermanentStageError } from './stage-error.js';

/** What `outputs.json` holds: output name → absolute path (file or directory). */
export type StageOutputs = Record<string, string>;

/** Writes a file so a reader sees the old content or the new, never a torn one (temp, fsync, rename). */
export async function writeFileAtomically(path: string, content: string | Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  const handle = await fs.promises.open(temp, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(temp, path);
}

/** `outputs.json` is written last: its presence means every output it names is complete. */
export async function writeStageOutputs(outputDir: string, outputs: StageOutputs): Promise<string> {
  const path = join(outputDir, STAGE_OUTPUTS_FILE);
  await writeFileAtomically(path, `${JSON.stringify(outputs, null, 2)}\n`);
  return path;
}

/** A finished stage's outputs, or undefined when it has not finished (no outputs.json yet). */
export function readStageOutputs(outputDir: string): StageOutputs | undefined {
  const path = join(outputDir, STAGE_OUTPUTS_FILE);
  if (!fs.existsSync(path)) return undefined;
  const value = JSON.parse(fs.readFileSync(path, 'utf8')) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PermanentStageError(path, 'must be a JSON object of output name → path');
  return value as StageOutputs;
}

/** The outputs of every upstream stage; a missing outputs.json is a permanent error naming the stage. */
export function readUpstreamOutputs(inputs: Readonly<Record<string, string>>): Map<string, StageOutputs> {
  const upstream = new Map<string, StageOutputs>();
  for (const [stage, dir] of Object.entries(inputs)) {
    const outputs = readStageOutputs(dir);
    if (!outputs)
      throw new PermanentStageError(
        `XREASON_STAGE_INPUTS/${stage}`,
        `${join(dir, STAGE_OUTPUTS_FILE)} does not exist: the upstream stage has not succeeded`,
      );
    upstream.set(stage, outputs);
  }
  return upstream;
}

/**
 * SHA-256 of a file's bytes, or of a directory: every file's relative path and content hash, in
 * sorted order, so the same tree gives the same hash wherever it lives.
 */
export async function contentHash(path: string): Promise<{ hash: string; sizeBytes: number }> {
  const stat = await fs.promises.stat(path);
  if (stat.isFile()) return { hash: await fileHash(path), sizeBytes: stat.size };
  const files = (await fs.promises.readdir(path, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  const tree = createHash('sha256');
  let sizeBytes = 0;
  for (const file of files) {
    tree.update(`${relative(path, file)}\0${await fileHash(file)}\n`);
    sizeBytes += (await fs.promises.stat(file)).size;
  }
  return { hash: tree.digest('hex'), sizeBytes };
}

async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
