import { findProblems, RegistryError, SchemaValidationError, type FieldProblem } from '@xreason/contracts';
import { parse as parseYaml } from 'yaml';
import type { MergeMethod, ParameterDefinitions } from '../methods/merge-method.js';
import { MERGE_METHODS } from '../registry.js';
import { MergeConfigSchema, type MergeConfig } from './merge-config.schema.js';
import { settingLeaves, type ParameterSetting, type ParameterSettings } from './parameter-setting.js';

export interface ParsedMergeConfig {
  config: MergeConfig;
  method: MergeMethod;
}

const SUBJECT = 'merge config';

/** Parses mergekit YAML; every problem is reported at once, each naming its key. */
export function parseMergeConfig(yamlText: string): ParsedMergeConfig {
  let value: unknown;
  try {
    value = parseYaml(yamlText, { prettyErrors: true, uniqueKeys: true });
  } catch (cause) {
    throw new SchemaValidationError(SUBJECT, [{ path: '', message: `not valid YAML: ${(cause as Error).message}` }]);
  }
  return checkMergeConfig(value);
}

/** Validates an already-parsed config object (the same checks as parseMergeConfig). */
export function checkMergeConfig(value: unknown): ParsedMergeConfig {
  const structural = findProblems(MergeConfigSchema, value);
  if (structural.length > 0) throw new SchemaValidationError(SUBJECT, structural);
  const config = value as MergeConfig;
  const problems: FieldProblem[] = [];
  let method: MergeMethod | undefined;
  try {
    method = MERGE_METHODS.get(config.merge_method);
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    problems.push({ path: '/merge_method', message: error.message, value: config.merge_method });
  }
  if ((config.models === undefined) === (config.slices === undefined)) {
    problems.push({ path: '', message: 'give exactly one of "models" or "slices"' });
  }
  for (const [i, slice] of (config.slices ?? []).entries()) {
    const lengths = slice.sources.map((s) => s.layer_range[1] - s.layer_range[0]);
    for (const [j, source] of slice.sources.entries()) {
      const [start, end] = source.layer_range;
      if (end <= start) {
        problems.push({
          path: `/slices/${i}/sources/${j}/layer_range`,
          message: `end ${end} must be greater than start ${start}`,
        });
      } else if (lengths[j] !== lengths[0]) {
        problems.push({
          path: `/slices/${i}/sources/${j}/layer_range`,
          message: `spans ${lengths[j]} layers but the slice's first source spans ${lengths[0]}; every source of a slice must span the same number`,
        });
      }
    }
  }
  if (config.tokenizer_source !== undefined && config.tokenizer !== undefined) {
    problems.push({ path: '/tokenizer', message: 'give either "tokenizer" or "tokenizer_source", not both' });
  }
  const tokenizerSource = config.tokenizer?.source ?? config.tokenizer_source;
  if (tokenizerSource === 'union') {
    problems.push({
      path: config.tokenizer ? '/tokenizer/source' : '/tokenizer_source',
      message: '"union" (vocabulary merging with permuted embeddings) is not supported; use "base" or a model',
    });
  }
  if (config.tokenizer?.tokens !== undefined || config.tokenizer?.pad_to_multiple_of !== undefined) {
    problems.push({
      path: '/tokenizer',
      message: 'adding tokens and padding the vocabulary are not supported; give only "source"',
    });
  }
  if (method) problems.push(...checkAgainstMethod(config, method));
  if (problems.length > 0) throw new SchemaValidationError(SUBJECT, problems);
  return { config, method: method as MergeMethod };
}

function checkAgainstMethod(config: MergeConfig, method: MergeMethod): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const mergeWide = { ...method.parameters, ...method.tensorParameters };
  problems.push(...checkParameters(method, config.parameters, '/parameters', mergeWide, 'merge'));
  for (const [i, model] of (config.models ?? []).entries()) {
    problems.push(
      ...checkParameters(method, model.parameters, `/models/${i}/parameters`, method.tensorParameters, 'model'),
    );
  }
  for (const [i, slice] of (config.slices ?? []).entries()) {
    problems.push(...checkParameters(method, slice.parameters, `/slices/${i}/parameters`, mergeWide, 'merge'));
    for (const [j, source] of slice.sources.entries()) {
      problems.push(
        ...checkParameters(
          method,
          source.parameters,
          `/slices/${i}/sources/${j}/parameters`,
          method.tensorParameters,
          'model',
        ),
      );
    }
  }

  const groups: { path: string; models: string[]; base: string | undefined }[] = config.models
    ? [{ path: '/models', models: config.models.map((m) => m.model), base: config.base_model }]
    : (config.slices ?? []).map((slice, i) => ({
        path: `/slices/${i}/sources`,
        models: slice.sources.map((s) => s.model),
        base: slice.base_model ?? config.base_model,
      }));
  for (const group of groups) {
    if (method.baseModel === 'required' && group.base === undefined) {
      problems.push({ path: '/base_model', message: `${method.name} needs a base_model` });
      continue;
    }
    if (method.baseModel === 'unused' && group.base !== undefined && !group.models.includes(group.base)) {
      problems.push({
        path: '/base_model',
        message: `${method.name} does not use a base model; list ${group.base} under ${group.path} (with its weight) or drop base_model`,
      });
    }
    const usesBase = method.baseModel !== 'unused' && group.base !== undefined;
    if (usesBase && config.slices && !group.models.includes(group.base as string)) {
      problems.push({ path: group.path, message: `the base model ${group.base} must be one of the slice's sources` });
    }
    const others = usesBase ? group.models.filter((m) => m !== group.base).length : group.models.length;
    const complaint = method.checkModelCount?.(others, usesBase);
    if (complaint) problems.push({ path: group.path, message: complaint });
  }
  return problems;
}

function checkParameters(
  method: MergeMethod,
  settings: ParameterSettings | undefined,
  path: string,
  allowed: ParameterDefinitions,
  scope: 'merge' | 'model',
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [name, setting] of Object.entries(settings ?? {})) {
    const definition = allowed[name];
    if (!definition) {
      const misplaced = scope === 'model' && method.parameters[name] !== undefined;
      const known = Object.keys(allowed);
      problems.push({
        path: `${path}/${name}`,
        message: misplaced
          ? `${name} applies to the whole merge; set it under the top-level or slice "parameters"`
          : `${method.name} has no parameter "${name}"${known.length ? ` (known here: ${known.join(', ')})` : ' here'}`,
      });
      continue;
    }
    for (const leaf of settingLeaves(setting as ParameterSetting, `${path}/${name}`)) {
      for (const problem of findProblems(definition.schema, leaf.value)) {
        problems.push({
          path: leaf.path,
          message: `${problem.message} (${definition.description})`,
          value: leaf.value,
        });
      }
    }
  }
  return problems;
}
