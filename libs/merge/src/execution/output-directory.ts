import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MergeError } from '../merge-error.js';

/** Files besides the weights that make a usable model directory: tokenizer and generation settings. */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'tokenizer.model',
  'vocab.json',
  'merges.txt',
  'added_tokens.json',
  'chat_template.jinja',
  'chat_template.json',
  'generation_config.json',
];

/**
 * The output is built in a hidden sibling directory and renamed into place only when complete, so
 * `outDir` either does not change or appears whole: a failed merge leaves nothing behind.
 */
export class StagedDirectory {
  private constructor(
    readonly outDir: string,
    readonly staging: string,
  ) {}

  /** Refuses an `outDir` that exists and is not empty, before any work is done. */
  static check(outDir: string): string {
    const dir = resolve(outDir);
    if (fs.existsSync(dir)) {
      if (!fs.statSync(dir).isDirectory())
        throw new MergeError('output_exists', { file: dir }, 'exists and is not a directory');
      if (fs.readdirSync(dir).length > 0) {
        throw new MergeError('output_exists', { file: dir }, 'exists and is not empty; merge into a new directory');
      }
    }
    return dir;
  }

  static async create(outDir: string): Promise<StagedDirectory> {
    const dir = StagedDirectory.check(outDir);
    await fs.promises.mkdir(dirname(dir), { recursive: true });
    const staging = join(
      dirname(dir),
      `.${basename(dir)}.merge-partial-${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    await fs.promises.mkdir(staging);
    return new StagedDirectory(dir, staging);
  }

  path(name: string): string {
    return join(this.staging, name);
  }

  async writeText(name: string, text: string): Promise<void> {
    await fs.promises.writeFile(this.path(name), text);
  }

  async copyFrom(sourceDir: string, names: readonly string[]): Promise<string[]> {
    const copied: string[] = [];
    for (const name of names) {
      const source = join(sourceDir, name);
      if (!fs.existsSync(source)) continue;
      await fs.promises.copyFile(source, this.path(name));
      copied.push(name);
    }
    return copied;
  }

  /** fsyncs the staged files and renames the directory into place. */
  async publish(): Promise<void> {
    for (const name of await fs.promises.readdir(this.staging)) {
      const handle = await fs.promises.open(this.path(name), 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    StagedDirectory.check(this.outDir);
    // rename(2) replaces an empty directory atomically on Linux; elsewhere remove it first.
    try {
      await fs.promises.rename(this.staging, this.outDir);
    } catch (error) {
      if (!fs.existsSync(this.outDir)) throw error;
      await fs.promises.rmdir(this.outDir);
      await fs.promises.rename(this.staging, this.outDir);
    }
    await syncDirectory(dirname(this.outDir));
  }

  async discard(): Promise<void> {
    await fs.promises.rm(this.staging, { recursive: true, force: true });
  }
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems refuse fsync on directories; the files themselves are synced.
  }
}
