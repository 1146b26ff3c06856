/**
 * Hands out producer ids that are never reused, across restarts too: ids are reserved in blocks
 * and the end of the current block is written (and synced) to `<dataDir>/__meta/producer-ids`
 * before any id from it is given out. A crash skips the rest of a block, never repeats an id.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const BLOCK = 1000;

export class ProducerIdAllocator {
  private readonly path: string | null;
  private next: number;
  private reservedUpTo: number;

  constructor(path: string | null) {
    this.path = path;
    let start = 0;
    if (path !== null && existsSync(path)) {
      const stored = Number(readFileSync(path, 'utf8').trim());
      if (Number.isSafeInteger(stored) && stored >= 0) start = stored;
    }
    this.next = start;
    this.reservedUpTo = start;
  }

  allocate(): number {
    if (this.next >= this.reservedUpTo) this.reserve(this.next + BLOCK);
    return this.next++;
  }

  private reserve(upTo: number): void {
    this.reservedUpTo = upTo;
    if (this.path === null) return;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    writeSync(fd, `${upTo}\n`);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
  }
}
