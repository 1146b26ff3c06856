import { describe, expect, it } from 'vitest';
import { groupAdvantages } from './advantages.js';

describe('group advantages', () => {
  it('GRPO normalises by the group: (r − mean)/(std + 1e-4) with the sample std', () => {
    const { advantages, mean, std } = groupAdvantages([1, 0, 0, 1]);
    expect(mean).toBe(0.5);
    expect(std).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(advantages[0]).toBeCloseTo(0.5 / (Math.sqrt(1 / 3) + 1e-4), 12);
    expect(advantages[1]).toBeCloseTo(-0.5 / (Math.sqrt(1 / 3) + 1e-4), 12);
  });
  it('Dr. GRPO only centres', () => {
    expect(groupAdvantages([1.4, 0.2, 0.0], 'dr-grpo').advantages.map((a) => +a.toFixed(12))).toEqual([
      0.866666666667, -0.333333333333, -0.533333333333,
    ]);
  });
  it('a zero-variance group is flagged for dynamic sampling and teaches nothing', () => {
    expect(groupAdvantages([1.2, 1.2, 1.2])).toEqual({ advantages: [0, 0, 0], mean: 1.2, std: 0, zeroVariance: true });
    expect(groupAdvantages([1, 0]).zeroVariance).toBe(false);
  });
  it('a non-finite reward is rejected, naming its index', () => {
    expect(() => groupAdvantages([1, Number.NaN])).toThrow(/reward 1/);
  });
});
