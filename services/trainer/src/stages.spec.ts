import { STAGE_KINDS } from '@xreason/contracts';
import { STAGE_SERVICES } from '@xreason/orchestration';
import { describe, expect, it } from 'vitest';
import { SERVICE, STAGES } from './stages.js';

describe(`the ${SERVICE} service`, () => {
  it('runs exactly the stage kinds STAGE_SERVICES assigns to it', () => {
    const assigned = STAGE_KINDS.filter((kind) => STAGE_SERVICES[kind] === SERVICE);
    expect(assigned.length).toBeGreaterThan(0);
    expect(Object.keys(STAGES).sort()).toEqual([...assigned].sort());
  });
});
