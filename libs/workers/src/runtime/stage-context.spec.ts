import { STAGE_WORKER_ENV, type AlignmentRunSpec } from '@xreason/contracts';
import { describe, expect, it } from 'vitest';
import { readStageContext, stageWorkerEnv } from './stage-context.js';
import { exitCodeFor, PermanentStageError } from './stage-error.js';

const spec: AlignmentRunSpec = {
  recipe: 'merge',
  baseModel: { uri: '/models/base' },
  languages: ['fr', 'ja'],
  data: [],
  merge: { method: 'linear' },
  maxRetries: 2,
};
const env = () =>
  stageWorkerEnv({
    run: { name: 'r1', namespace: 'team', uid: 'u-1' },
    stage: 'merge',
    kind: 'merge',
    attempt: 2,
    languages: ['fr'],
    spec,
    inputs: { 'sft-fr': '/a/sft-fr' },
    artifactRoot: '/artifacts',
  });

describe('readStageContext', () => {
  it('reads back what stageWorkerEnv wrote, with the output directory the contract derives', () => {
    const context = readStageContext(env());
    expect(context).toMatchObject({
      stage: 'merge',
      kind: 'merge',
      attempt: 2,
      languages: ['fr'],
      inputs: { 'sft-fr': '/a/sft-fr' },
    });
    expect(context.outputDir).toBe('/artifacts/team/r1/merge');
  });

  it('applies the spec defaults a hand-written spec leaves out', () => {
    const e = env();
    e[STAGE_WORKER_ENV.runSpec] = JSON.stringify({
      recipe: 'merge',
      baseModel: { uri: '/m' },
      languages: ['fr'],
      merge: { method: 'ties' },
    });
    expect(readStageContext(e).spec).toMatchObject({ data: [], maxRetries: 2 });
  });

  it.each([
    ['XREASON_RUN', (e: Record<string, string>) => delete e[STAGE_WORKER_ENV.run]],
    ['XREASON_STAGE', (e: Record<string, string>) => (e[STAGE_WORKER_ENV.stage] = 'Not_A_Label')],
    ['XREASON_STAGE_KIND', (e: Record<string, string>) => (e[STAGE_WORKER_ENV.stageKind] = 'train')],
    ['XREASON_ATTEMPT', (e: Record<string, string>) => (e[STAGE_WORKER_ENV.attempt] = '0')],
    ['XREASON_LANGUAGES', (e: Record<string, string>) => (e[STAGE_WORKER_ENV.languages] = 'fr,xx')],
    ['XREASON_RUN_SPEC', (e: Record<string, string>) => (e[STAGE_WORKER_ENV.runSpec] = '{not json')],
    [
      '/merge/method',
      (e: Record<string, string>) => (e[STAGE_WORKER_ENV.runSpec] = JSON.stringify({ ...spec, merge: {} })),
    ],
    ['XREASON_STAGE_INPUTS', (e: Record<string, string>) => (e[STAGE_WORKER_ENV.stageInputs] = '["/a"]')],
    ['XREASON_ARTIFACT_ROOT', (e: Record<string, string>) => delete e[STAGE_WORKER_ENV.artifactRoot]],
  ])('a bad %s is a permanent failure (exit 64) naming it', (name, spoil) => {
    const e = env();
    spoil(e);
    let error: unknown;
    try {
      readStageContext(e);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PermanentStageError);
    expect((error as Error).message).toContain(name);
    expect(exitCodeFor(error)).toBe(64);
  });

  it('treats an unexpected error as retryable (exit 1)', () => {
    expect(exitCodeFor(new Error('ECONNRESET'))).toBe(1);
  });
});
