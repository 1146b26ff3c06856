import { Value } from '@sinclair/typebox/value';
import {
  AlignmentRunSpecSchema,
  STAGE_KINDS,
  STAGE_WORKER_ENV,
  findProblems,
  isLanguageCode,
  stageOutputDir,
  type AlignmentRunSpec,
  type LanguageCode,
  type StageKind,
} from '@xreason/contracts';
import { PermanentStageError } from './stage-error.js';

/** Everything a stage worker learns from its environment (STAGE_WORKER_ENV), checked. */
export interface StageContext {
  readonly run: { readonly name: string; readonly namespace: string; readonly uid: string };
  readonly stage: string;
  readonly kind: StageKind;
  readonly role?: string;
  /** 1 for the first attempt; a retry reuses the same output directory. */
  readonly attempt: number;
  readonly languages: readonly LanguageCode[];
  readonly spec: AlignmentRunSpec;
  /** Upstream stage name → its output directory. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly artifactRoot: string;
  readonly outputDir: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Reads and checks the stage-worker environment. Every problem is a PermanentStageError naming the
 * variable (or, inside the run spec, `XREASON_RUN_SPEC` and the JSON pointer of the field), since
 * starting the same worker again with the same environment cannot succeed.
 */
export function readStageContext(env: NodeJS.ProcessEnv = process.env): StageContext {
  const E = STAGE_WORKER_ENV;
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new PermanentStageError(name, 'is not set');
    return value;
  };
  const label = (name: string): string => {
    const value = required(name);
    if (!DNS_LABEL.test(value) || value.length > 63)
      throw new PermanentStageError(name, `${JSON.stringify(value)} is not a DNS-1123 label`);
    return value;
  };
  const json = (name: string): unknown => {
    const text = required(name);
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new PermanentStageError(name, `is not JSON (${(cause as Error).message})`, { cause });
    }
  };

  const run = { name: label(E.run), namespace: required(E.runNamespace), uid: required(E.runUid) };
  const stage = label(E.stage);
  const kindText = required(E.stageKind);
  if (!(STAGE_KINDS as readonly string[]).includes(kindText))
    throw new PermanentStageError(
      E.stageKind,
      `unknown kind ${JSON.stringify(kindText)}; one of ${STAGE_KINDS.join(', ')}`,
    );
  const kind = kindText as StageKind;
  const role = env[E.stageRole]?.trim() || undefined;

  const attemptText = env[E.attempt]?.trim() || '1';
  const attempt = Number(attemptText);
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new PermanentStageError(E.attempt, `${JSON.stringify(attemptText)} is not a positive integer`);

  const specValue = json(E.runSpec);
  // The operator applies defaults; applying them again is harmless and lets a hand-written spec run.
  const withDefaults = Value.Default(AlignmentRunSpecSchema, structuredClone(specValue));
  const problems = findProblems(AlignmentRunSpecSchema, withDefaults);
  if (problems.length > 0) {
    const list = problems.map((p) => `${p.path || '/'} ${p.message}`).join('; ');
    throw new PermanentStageError(E.runSpec, `the run spec is invalid: ${list}`);
  }
  const spec = withDefaults as AlignmentRunSpec;

  const languagesText = env[E.languages]?.trim();
  const languages = languagesText ? languagesText.split(',').map((l) => l.trim()) : [...spec.languages];
  for (const language of languages) {
    if (!isLanguageCode(language))
      throw new PermanentStageError(E.languages, `${JSON.stringify(language)} is not a language code`);
  }

  const inputsValue = env[E.stageInputs]?.trim() ? json(E.stageInputs) : {};
  if (typeof inputsValue !== 'object' || inputsValue === null || Array.isArray(inputsValue))
    throw new PermanentStageError(E.stageInputs, 'must be a JSON object of stage name → output directory');
  const inputs: Record<string, string> = {};
  for (const [name, dir] of Object.entries(inputsValue)) {
    if (typeof dir !== 'string' || dir.length === 0)
      throw new PermanentStageError(E.stageInputs, `input ${JSON.stringify(name)} must be a directory path`);
    inputs[name] = dir;
  }

  const artifactRoot = required(E.artifactRoot);
  return {
    run,
    stage,
    kind,
    ...(role ? { role } : {}),
    attempt,
    languages: languages as LanguageCode[],
    spec,
    inputs,
    artifactRoot,
    outputDir: stageOutputDir(artifactRoot, run, stage),
  };
}

/** The environment a WorkloadRuntime sets for a stage: the inverse of readStageContext (tests, local runtime). */
export function stageWorkerEnv(context: Omit<StageContext, 'outputDir'>): Record<string, string> {
  const E = STAGE_WORKER_ENV;
  return {
    [E.run]: context.run.name,
    [E.runNamespace]: context.run.namespace,
    [E.runUid]: context.run.uid,
    [E.stage]: context.stage,
    [E.stageKind]: context.kind,
    ...(context.role ? { [E.stageRole]: context.role } : {}),
    [E.attempt]: String(context.attempt),
    [E.languages]: context.languages.join(','),
    [E.runSpec]: JSON.stringify(context.spec),
    [E.stageInputs]: JSON.stringify(context.inputs),
    [E.artifactRoot]: context.artifactRoot,
  };
}
