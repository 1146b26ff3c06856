/**
 * How one firing of an EvalSchedule runs, the same way in both modes: `node services/eval/dist/main.js
 * schedule` with these environment variables — a CronJob's pod in a cluster (libs/kube sets the first
 * two), a child process of the local operator's schedule runner (which sets them all). The night's
 * evaluations land in Postgres (DATABASE_URL), regressions go out as `eval.regression` events
 * (KAFKA_BROKERS), and the exit code is the verdict (STAGE_EXIT_CODES): finding a regression is a
 * result, not a failure.
 */
export const EVAL_SCHEDULE_ENV = {
  /** The EvalSchedule's name. */
  schedule: 'XREASON_EVAL_SCHEDULE',
  /** Its spec as JSON (defaults applied). */
  spec: 'XREASON_EVAL_SCHEDULE_SPEC',
  /** Its row id in `runs` (local mode): the evaluations' run id and the events' key. */
  uid: 'XREASON_EVAL_SCHEDULE_UID',
  /** The scheduled time this firing stands for (ISO 8601); absent means now, as in a CronJob's pod. */
  scheduledTime: 'XREASON_EVAL_SCHEDULED_TIME',
  /** Where reports and lm-eval-harness files go; absent means `<XREASON_ARTIFACT_ROOT>/schedules/<name>`. */
  outputDir: 'XREASON_EVAL_OUTPUT_DIR',
  /** Where to write the ScheduledNightResult as JSON (atomically) once the night is done. */
  resultFile: 'XREASON_EVAL_RESULT_FILE',
} as const;

/** One regression of a night, with the paired test's raw p and the Holm-adjusted p held against alpha. */
export interface NightRegression {
  language: string;
  metric: string;
  comparedWith: 'previous' | 'baseline';
  previous: number;
  current: number;
  pValue: number;
  adjustedPValue: number;
}

/** What one firing did: per model × suite, the evaluation, its report and its regressions. */
export interface ScheduledNightResult {
  schedule: string;
  /** YYYY-MM-DD of the scheduled time in the schedule's time zone. */
  night: string;
  scheduledTime: string;
  evaluations: {
    model: string;
    suite: string;
    evalRunId: string;
    reportPath: string;
    resultsPath: string;
    /** Comparisons made (languages × metrics × references), the family of the correction. */
    comparisons: number;
    regressions: NightRegression[];
  }[];
  /** Regressions over all evaluations of the night. */
  regressions: number;
}

/** YYYY-MM-DD of an instant in an IANA time zone: the `night` a scheduled time belongs to. */
export function calendarDate(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}
