/**
 * Committed consumer offsets, kept in memory and appended as JSON lines to
 * `<dataDir>/__meta/consumer-offsets.log` before the commit is acknowledged (so, like the partition
 * logs, a commit survives a process kill once answered). Start-up replays the file, ignoring a torn
 * last line; the file is rewritten compacted when it has grown well past the live entries.
 */
import {
  closeSync,
  existsSync,
  fdatasync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

export interface CommittedOffset {
  readonly offset: number;
  readonly metadata: string | null;
  readonly commitTimestamp: number;
}

export interface OffsetCommitEntry extends CommittedOffset {
  readonly topic: string;
  readonly partition: number;
}

interface LogLine {
  g: string;
  o: [topic: string, partition: number, offset: number, metadata: string | null, timestamp: number][];
}

const COMPACT_MIN_LINES = 10_000;

export class OffsetStore {
  private readonly path: string | null;
  private readonly groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private fd = -1;
  private lines = 0;
  private dirty = false;

  constructor(path: string | null) {
    this.path = path;
    if (path === null) return;
    mkdirSync(dirname(path), { recursive: true });
    if (existsSync(path)) this.replay(readFileSync(path, 'utf8'));
    this.fd = openSync(path, 'a');
  }

  private replay(text: string): void {
    for (const line of text.split('\n')) {
      if (line.length === 0) continue;
      let parsed: LogLine;
      try {
        parsed = JSON.parse(line) as LogLine;
      } catch {
        continue; // a line torn by a crash mid-write
      }
      if (typeof parsed.g !== 'string' || !Array.isArray(parsed.o)) continue;
      this.apply(
        parsed.g,
        parsed.o.map(([topic, partition, offset, metadata, commitTimestamp]) => ({
          topic,
          partition,
          offset,
          metadata,
          commitTimestamp,
        })),
      );
      this.lines++;
    }
  }

  private apply(group: string, entries: readonly OffsetCommitEntry[]): void {
    let topics = this.groups.get(group);
    if (topics === undefined) this.groups.set(group, (topics = new Map()));
    for (const { topic, partition, offset, metadata, commitTimestamp } of entries) {
      let partitions = topics.get(topic);
      if (partitions === undefined) topics.set(topic, (partitions = new Map()));
      partitions.set(partition, { offset, metadata, commitTimestamp });
    }
  }

  commit(group: string, entries: readonly OffsetCommitEntry[]): void {
    if (entries.length === 0) return;
    if (this.fd >= 0) {
      const line: LogLine = {
        g: group,
        o: entries.map((e) => [e.topic, e.partition, e.offset, e.metadata, e.commitTimestamp]),
      };
      writeSync(this.fd, JSON.stringify(line) + '\n');
      this.lines++;
      this.dirty = true;
    }
    this.apply(group, entries);
    if (this.lines > COMPACT_MIN_LINES && this.lines > 4 * this.liveEntries()) this.compact();
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(topic)?.get(partition);
  }

  /** Every committed partition of the group, topic by topic. */
  all(group: string): Map<string, Map<number, CommittedOffset>> {
    return this.groups.get(group) ?? new Map();
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  private liveEntries(): number {
    let count = 0;
    for (const topics of this.groups.values()) for (const partitions of topics.values()) count += partitions.size;
    return count;
  }

  /** Rewrites the file with one line per group: written to a temp file, synced, renamed over. */
  private compact(): void {
    if (this.path === null) return;
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    let lines = 0;
    for (const [group, topics] of this.groups) {
      const o: LogLine['o'] = [];
      for (const [topic, partitions] of topics)
        for (const [partition, c] of partitions) o.push([topic, partition, c.offset, c.metadata, c.commitTimestamp]);
      writeSync(fd, JSON.stringify({ g: group, o } satisfies LogLine) + '\n');
      lines++;
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a');
    this.lines = lines;
    this.dirty = false;
  }

  flush(): Promise<void> {
    if (!this.dirty || this.fd < 0) return Promise.resolve();
    this.dirty = false;
    return new Promise((resolve) => fdatasync(this.fd, () => resolve()));
  }

  flushNow(): void {
    if (!this.dirty || this.fd < 0) return;
    this.dirty = false;
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd < 0) return;
    this.flushNow();
    closeSync(this.fd);
    this.fd = -1;
  }
}
