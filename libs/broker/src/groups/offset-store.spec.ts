import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OffsetStore } from './offset-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function path(): string {
  const dir = mkdtempSync(join(tmpdir(), 'offsets-'));
  dirs.push(dir);
  return join(dir, '__meta', 'consumer-offsets.log');
}

describe('OffsetStore', () => {
  it('brings committed offsets back after a reopen, the latest commit winning', () => {
    const file = path();
    const store = new OffsetStore(file);
    store.commit('g', [{ topic: 't', partition: 0, offset: 5, metadata: null, commitTimestamp: 1 }]);
    store.commit('g', [
      { topic: 't', partition: 0, offset: 9, metadata: 'm', commitTimestamp: 2 },
      { topic: 't', partition: 1, offset: 3, metadata: null, commitTimestamp: 2 },
    ]);
    // No close(): a killed process never gets to run it.
    const reopened = new OffsetStore(file);
    expect(reopened.get('g', 't', 0)).toEqual({ offset: 9, metadata: 'm', commitTimestamp: 2 });
    expect(reopened.get('g', 't', 1)?.offset).toBe(3);
    expect(reopened.groupIds()).toEqual(['g']);
    store.close();
    reopened.close();
  });

  it('ignores a line torn by a crash mid-write', () => {
    const file = path();
    const store = new OffsetStore(file);
    store.commit('g', [{ topic: 't', partition: 0, offset: 5, metadata: null, commitTimestamp: 1 }]);
    store.close();
    appendFileSync(file, '{"g":"g","o":[["t",0,99');
    const reopened = new OffsetStore(file);
    expect(reopened.get('g', 't', 0)?.offset).toBe(5);
    reopened.close();
  });
});
