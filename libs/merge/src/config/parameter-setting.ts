/**
 * mergekit's parameter values. A setting is a scalar, a gradient (a list of numbers interpolated
 * across the layers of a slice), or a list of `{ filter, value }` conditions, the first whose filter
 * is a substring of the tensor name winning (no filter, or `*`, matches every tensor).
 */
export type ParameterScalar = number | boolean | string;
export type ParameterGradient = readonly ParameterScalar[];
export interface ConditionalParameter {
  filter?: string;
  value: ParameterScalar | ParameterGradient;
}
export type ParameterSetting = ParameterScalar | ParameterGradient | readonly ConditionalParameter[];
export type ParameterSettings = Readonly<Record<string, ParameterSetting>>;

export function isConditionList(setting: ParameterSetting): setting is readonly ConditionalParameter[] {
  return Array.isArray(setting) && setting.length > 0 && setting.every((e) => typeof e === 'object' && e !== null);
}

/**
 * The value of `setting` for `tensorName` at relative depth `t` ∈ [0, 1] within its slice; undefined
 * when no condition matches (so a broader scope may supply the value).
 *
 * A numeric gradient of n values places them evenly over t and interpolates linearly between the two
 * nearest; a non-numeric list picks the entry at or below t. Same as mergekit's `evaluate_setting`.
 */
export function evaluateSetting(tensorName: string, setting: ParameterSetting, t: number): ParameterScalar | undefined {
  if (!Array.isArray(setting)) return setting as ParameterScalar;
  if (isConditionList(setting)) {
    for (const condition of setting) {
      if (condition.filter === undefined || condition.filter === '*' || tensorName.includes(condition.filter)) {
        return evaluateSetting(tensorName, condition.value, t);
      }
    }
    return undefined;
  }
  const list = setting as ParameterGradient;
  if (list.every((e) => typeof e === 'number')) {
    const values = list as readonly number[];
    const scaled = t * (values.length - 1);
    const i0 = Math.floor(scaled);
    const i1 = Math.min(values.length - 1, i0 + 1);
    const frac = scaled - i0;
    return (1 - frac) * (values[i0] as number) + frac * (values[i1] as number);
  }
  return list[Math.floor(t * (list.length - 1))];
}

/** Every scalar a setting can evaluate to, with its JSON-pointer suffix, for validation at parse time. */
export function settingLeaves(setting: ParameterSetting, path: string): { path: string; value: ParameterScalar }[] {
  if (!Array.isArray(setting)) return [{ path, value: setting as ParameterScalar }];
  if (isConditionList(setting)) {
    return setting.flatMap((condition, i) => settingLeaves(condition.value, `${path}/${i}/value`));
  }
  return (setting as ParameterGradient).map((value, i) => ({ path: `${path}/${i}`, value }));
}
