/**
 * All topics of the broker and their partition logs. On disk a topic is nothing but its partition
 * directories (`<topic>-<n>`), so recovery lists the data directory and the partition count of a
 * topic is the number of directories it has.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PartitionLog, type LogOptions } from './partition-log.js';

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_LENGTH = 249;
const PARTITION_DIR = /^(.+)-(\d+)$/;

/** Kafka's topic name rules; returns what is wrong, or null when the name is legal. */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return 'topic name is empty';
  if (name === '.' || name === '..') return `topic name "${name}" is reserved`;
  if (name.length > MAX_TOPIC_LENGTH)
    return `topic name is ${name.length} characters, the limit is ${MAX_TOPIC_LENGTH}`;
  if (!LEGAL_TOPIC.test(name)) return `topic name "${name}" may contain only ASCII letters, digits, '.', '_' and '-'`;
  return null;
}

export interface TopicStoreOptions extends LogOptions {
  /** null: keep every log in memory. */
  readonly dataDir: string | null;
}

export class TopicStore {
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly options: TopicStoreOptions;

  constructor(options: TopicStoreOptions) {
    this.options = options;
    if (options.dataDir !== null) this.recover(options.dataDir);
  }

  private recover(dataDir: string): void {
    mkdirSync(dataDir, { recursive: true });
    const found = new Map<string, number[]>();
    for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (entry.name.endsWith('-delete')) {
        rmSync(join(dataDir, entry.name), { recursive: true, force: true });
        continue;
      }
      const match = PARTITION_DIR.exec(entry.name);
      if (match === null || topicNameProblem(match[1] as string) !== null) continue;
      const partitions = found.get(match[1] as string) ?? [];
      partitions.push(Number(match[2]));
      found.set(match[1] as string, partitions);
    }
    for (const [topic, partitions] of found) {
      partitions.sort((a, b) => a - b);
      // Partitions are 0..n-1; a gap means a half-finished create or delete, and the topic is
      // opened with the contiguous prefix only.
      const logs: PartitionLog[] = [];
      for (const [i, partition] of partitions.entries()) {
        if (partition !== i) break;
        logs.push(new PartitionLog(topic, partition, join(dataDir, `${topic}-${partition}`), this.options));
      }
      if (logs.length > 0) this.topics.set(topic, logs);
    }
  }

  has(topic: string): boolean {
    return this.topics.has(topic);
  }

  names(): string[] {
    return [...this.topics.keys()].sort();
  }

  partitions(topic: string): readonly PartitionLog[] | undefined {
    return this.topics.get(topic);
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.[partition];
  }

  create(topic: string, partitionCount: number): readonly PartitionLog[] {
    const { dataDir } = this.options;
    const logs = Array.from(
      { length: partitionCount },
      (_, partition) =>
        new PartitionLog(
          topic,
          partition,
          dataDir === null ? null : join(dataDir, `${topic}-${partition}`),
          this.options,
        ),
    );
    this.topics.set(topic, logs);
    return logs;
  }

  delete(topic: string): boolean {
    const logs = this.topics.get(topic);
    if (logs === undefined) return false;
    this.topics.delete(topic);
    // Highest partition first, so a crash mid-delete leaves a contiguous 0..k prefix.
    for (const log of [...logs].reverse()) log.remove();
    return true;
  }

  all(): PartitionLog[] {
    return [...this.topics.values()].flat();
  }

  enforceRetention(now: number): number {
    let deleted = 0;
    for (const log of this.all()) deleted += log.enforceRetention(now);
    return deleted;
  }

  async flush(): Promise<void> {
    await Promise.all(this.all().map((log) => log.flush()));
  }

  close(): void {
    for (const log of this.all()) log.close();
    this.topics.clear();
  }
}
