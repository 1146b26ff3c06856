import { describe, expect, it } from 'vitest';
import { findProblems } from '../validation.js';
import { deadLetterTopic, defineTopic } from './envelope.js';
import { StageEventTopic, TOPICS } from './topics.js';
import { Type } from '@sinclair/typebox';

describe('topics', () => {
  it('gives every topic a unique, versioned name', () => {
    const names = TOPICS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const topic of TOPICS)
      expect(topic.name).toMatch(new RegExp(`^xreason\\.[a-z-]+\\.[a-z-]+\\.v${topic.schemaVersion}$`));
  });

  it('refuses a topic whose name does not carry its schema version', () => {
    expect(() => defineTopic('xreason.x.y.v1', 'Y', 2, Type.Object({}), '')).toThrow(/\.v2/);
  });

  it('validates an envelope and names the bad payload field', () => {
    const message = {
      messageId: 'm1',
      type: 'StageEvent',
      schemaVersion: 1,
      runId: 'r1',
      occurredAt: '2026-11-23T00:00:00Z',
      payload: { stage: 'sft', attempt: 0, phase: 'Running' },
    };
    expect(findProblems(StageEventTopic.schema, message).map((p) => p.path)).toEqual(['/payload/attempt']);
    expect(deadLetterTopic(StageEventTopic.name)).toBe('xreason.stage.events.v1.dlq');
  });
});
