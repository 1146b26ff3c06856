import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** A fresh temporary directory per test, removed after it. */
export function useTempDir(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'xreason-safetensors-'));
    made.push(dir);
    return dir;
  };
}

/**
 * Raw file bytes built by hand from the format's definition (u64 little-endian header length, header,
 * data), independent of this library's writer, so reader tests do not merely agree with ourselves.
 */
export function rawSafetensors(header: string | object, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const headerBytes = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + headerBytes.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.byteLength);
  return out;
}

/** Deterministic pseudo-random numbers, so a failing case reproduces. */
export { seededRandom } from '@xreason/contracts';

export function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
