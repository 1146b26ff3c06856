import * as fs from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { SafetensorsCheckpoint } from '@xreason/safetensors';
import { MergeError } from '../merge-error.js';
import { layoutOf, type CheckpointLayout } from './layer-names.js';

/** One input model: its directory, lazily read tensors, config.json and layer layout. */
export interface ModelCheckpoint {
  /** The reference as written in the merge config. */
  ref: string;
  dir: string;
  checkpoint: SafetensorsCheckpoint;
  /** Parsed config.json, when the directory has one. */
  hfConfig: Record<string, unknown> | undefined;
  layout: CheckpointLayout;
}

export function resolveModelDir(ref: string, baseDir: string): string {
  return isAbsolute(ref) ? ref : resolve(baseDir, ref);
}

export async function openModel(ref: string, baseDir: string): Promise<ModelCheckpoint> {
  const dir = resolveModelDir(ref, baseDir);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new MergeError(
      'io',
      { model: ref },
      `${dir} is not a directory (models are local Hugging Face directories; download from the Hub first)`,
    );
  }
  let checkpoint: SafetensorsCheckpoint;
  try {
    checkpoint = await SafetensorsCheckpoint.open(dir);
  } catch (cause) {
    throw new MergeError('io', { model: ref }, `cannot open its safetensors: ${(cause as Error).message}`, { cause });
  }
  let hfConfig: Record<string, unknown> | undefined;
  const configFile = join(dir, 'config.json');
  if (fs.existsSync(configFile)) {
    try {
      hfConfig = JSON.parse(await fs.promises.readFile(configFile, 'utf8')) as Record<string, unknown>;
    } catch (cause) {
      await checkpoint.close();
      throw new MergeError(
        'io',
        { model: ref, file: configFile },
        `config.json is not valid JSON: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
  }
  return { ref, dir, checkpoint, hfConfig, layout: layoutOf(checkpoint.tensorNames()) };
}

/** Opens every model, or none: on a failure the ones already opened are closed. */
export async function openModels(refs: readonly string[], baseDir: string): Promise<Map<string, ModelCheckpoint>> {
  const opened = new Map<string, ModelCheckpoint>();
  try {
    for (const ref of refs) if (!opened.has(ref)) opened.set(ref, await openModel(ref, baseDir));
    return opened;
  } catch (error) {
    await closeModels(opened);
    throw error;
  }
}

export async function closeModels(models: Map<string, ModelCheckpoint>): Promise<void> {
  await Promise.all([...models.values()].map((m) => m.checkpoint.close()));
}
