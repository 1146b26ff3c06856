import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** A byte range of a JSONL file: what `ScoredGroup.rolloutsRef` points at (`<path>#bytes=<start>-<end>`). */
export interface LineRef {
  path: string;
  start: number;
  end: number;
}

/**
 * An append-only JSONL file with one writer. Each line is written whole and synced before `append`
 * resolves, so a reference handed out (e.g. in a Kafka message) always names a complete line; a process
 * killed mid-write leaves at most a torn last line, which readers skip and the next writer terminates.
 */
export class JsonlLog {
  private fd: number;
  private size: number;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a+');
    this.size = statSync(path).size;
    if (this.size > 0 && lastByte(this.fd, this.size) !== 0x0a) {
      // A torn line from a killed writer: end it so the next record starts on a line of its own.
      this.size += writeSync(this.fd, '\n');
    }
  }

  append(record: unknown): LineRef {
    const line = `${JSON.stringify(record)}\n`;
    const start = this.size;
    this.size += writeSync(this.fd, line);
    fsyncSync(this.fd);
    return { path: this.path, start, end: this.size - 1 };
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

function lastByte(fd: number, size: number): number {
  const buffer = Buffer.alloc(1);
  readSync(fd, buffer, 0, 1, size - 1);
  return buffer[0] as number;
}

export function formatLineRef(ref: LineRef): string {
  return `${ref.path}#bytes=${ref.start}-${ref.end}`;
}

export function parseLineRef(text: string): LineRef {
  const match = /^(.*)#bytes=(\d+)-(\d+)$/.exec(text);
  if (!match) throw new Error(`not a JSONL line reference (<path>#bytes=<start>-<end>): ${JSON.stringify(text)}`);
  return { path: match[1] as string, start: Number(match[2]), end: Number(match[3]) };
}

/** Reads the one line a reference names. */
export function readLine<T>(ref: LineRef): T {
  const fd = openSync(ref.path, 'r');
  try {
    const buffer = Buffer.alloc(ref.end - ref.start);
    const read = readSync(fd, buffer, 0, buffer.length, ref.start);
    if (read !== buffer.length)
      throw new Error(`${ref.path}: bytes ${ref.start}-${ref.end} are past the end of the file`);
    return JSON.parse(buffer.toString('utf8')) as T;
  } finally {
    closeSync(fd);
  }
}

/**
 * Every complete line of a JSONL file (none when it does not exist). Lines that are not JSON are torn
 * lines of a killed writer (JsonlLog terminates them and carries on) and are skipped.
 */
export function readJsonl<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const out: T[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // torn line
    }
  }
  return out;
}
