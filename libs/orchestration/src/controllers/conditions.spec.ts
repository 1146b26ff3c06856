import { describe, expect, it } from 'vitest';
import { setConditions } from './conditions.js';

const t0 = new Date('2025-01-01T00:00:00Z');
const t1 = new Date('2025-01-01T00:05:00Z');

describe('setConditions', () => {
  it('keeps lastTransitionTime while the status stays and moves it when the status flips', () => {
    const first = setConditions(
      [],
      [{ type: 'Progressing', status: 'True', reason: 'StagesRunning', message: 'a' }],
      1,
      t0,
    );
    const same = setConditions(
      first,
      [{ type: 'Progressing', status: 'True', reason: 'RetryingStage', message: 'b' }],
      2,
      t1,
    );
    expect(same[0]).toMatchObject({
      reason: 'RetryingStage',
      lastTransitionTime: t0.toISOString(),
      observedGeneration: 2,
    });
    const flipped = setConditions(
      same,
      [{ type: 'Progressing', status: 'False', reason: 'RunFailed', message: 'c' }],
      2,
      t1,
    );
    expect(flipped[0]?.lastTransitionTime).toBe(t1.toISOString());
  });

  it('keeps one entry per type in Available, Progressing, Degraded order', () => {
    const conditions = setConditions(
      [{ type: 'Degraded', status: 'False', reason: 'AsExpected', message: '', lastTransitionTime: t0.toISOString() }],
      [
        { type: 'Progressing', status: 'True', reason: 'StagesRunning', message: '' },
        { type: 'Available', status: 'False', reason: 'RunIncomplete', message: '' },
        { type: 'Degraded', status: 'True', reason: 'StageRetrying', message: '' },
      ],
      1,
      t1,
    );
    expect(conditions.map((c) => `${c.type}=${c.status}`)).toEqual([
      'Available=False',
      'Progressing=True',
      'Degraded=True',
    ]);
  });

  it('rejects a reason that is not CamelCase', () => {
    expect(() =>
      setConditions([], [{ type: 'Degraded', status: 'True', reason: 'stage failed', message: '' }], 1, t0),
    ).toThrow(/not CamelCase/);
  });
});
