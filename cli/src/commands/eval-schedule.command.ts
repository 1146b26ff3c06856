import type { Command } from 'commander';
import type { EvalScheduleSpec, ScheduledNightResult } from '@xreason/contracts';
import {
  type ConnectionOptions,
  age,
  applyManifests,
  client,
  namespaceQuery,
  readManifestFile,
  table,
  withConnection,
} from '../operator-api.js';

interface ScheduleSummary {
  name: string;
  schedule: string;
  timeZone: string;
  suspend: boolean;
  models: string[];
  suites: string[];
  active: boolean;
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
  lastNight?: { night: string; phase: string; regressions: number };
  createdAt: string;
}

interface Night {
  night: string;
  scheduledTime: string;
  phase: string;
  startedAt: string;
  finishedAt?: string;
  message?: string;
  regressions: number;
  result?: ScheduledNightResult;
}

interface ScheduleResource {
  metadata: { name: string; namespace: string; generation: number; creationTimestamp: string };
  spec: EvalScheduleSpec;
  status?: {
    conditions: { type: string; status: string; reason: string; message: string }[];
    lastScheduleTime?: string;
    lastSuccessfulTime?: string;
    lastRegression?: string;
  };
  nights: Night[];
}

/**
 * `xreason eval schedule apply|status|delete`: EvalSchedules on the local operator, which fires them
 * as a CronJob would (docs/architecture.md, "Local schedule runner"). `xreason run apply -f` takes
 * them too, from the same file as runs, as kubectl would.
 */
export function registerEvalScheduleCommands(evalCommand: Command): void {
  const schedule = evalCommand
    .command('schedule')
    .description('nightly evaluations on the local operator: EvalSchedules, their nights and regressions');
  const connection = (command: Command) => withConnection(command, 'namespace of the schedule');

  connection(
    schedule
      .command('apply')
      .description('create an EvalSchedule from a manifest, or update its spec')
      .requiredOption('-f, --file <file>', 'EvalSchedule manifest ("-" reads stdin)'),
  ).action(async (options: ConnectionOptions & { file: string }) => {
    await applyManifests(client(options), readManifestFile(options.file), 'EvalSchedule');
  });

  connection(
    schedule
      .command('status')
      .description('a table of schedules, or one schedule with its conditions and latest nights')
      .argument('[name]', 'the schedule')
      .option('--json', 'print JSON'),
  ).action(async (name: string | undefined, options: ConnectionOptions & { json?: boolean }) => {
    const api = client(options);
    if (!name) {
      const { items } = await api.request<{ items: ScheduleSummary[] }>('GET', '/evalschedules');
      if (options.json) return console.log(JSON.stringify(items, null, 2));
      if (items.length === 0)
        return console.log('no schedules (create one with "xreason eval schedule apply -f schedule.yaml")');
      console.log(
        table(
          ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'LAST NIGHT', 'AGE'],
          items.map((s) => [
            s.name,
            s.schedule,
            s.timeZone,
            String(s.suspend),
            s.active ? '1' : '0',
            s.lastScheduleTime ? `${age(s.lastScheduleTime)} ago` : '-',
            s.lastNight
              ? `${s.lastNight.night} ${s.lastNight.phase}${s.lastNight.regressions ? `, ${s.lastNight.regressions} regression(s)` : ''}`
              : '-',
            age(s.createdAt),
          ]),
        ),
      );
      return;
    }
    const resource = await api.request<ScheduleResource>(
      'GET',
      `/evalschedules/${encodeURIComponent(name)}${namespaceQuery(options)}`,
    );
    if (options.json) return console.log(JSON.stringify(resource, null, 2));
    console.log(renderSchedule(resource));
  });

  connection(
    schedule
      .command('delete')
      .description('delete a schedule: a night still running is stopped; its evaluations stay')
      .argument('<name>', 'the schedule'),
  ).action(async (name: string, options: ConnectionOptions) => {
    await client(options).request('DELETE', `/evalschedules/${encodeURIComponent(name)}${namespaceQuery(options)}`);
    console.log(`evalschedule/${name} deleted`);
  });
}

function renderSchedule(s: ScheduleResource): string {
  const status = s.status;
  const conditions = (status?.conditions ?? []).map((c) => `${c.type}=${c.status} (${c.reason})`).join('  ');
  const available = status?.conditions.find((c) => c.type === 'Available');
  const lines = [
    `schedule   ${s.metadata.name}: "${s.spec.schedule}" in ${s.spec.timeZone ?? 'UTC'}${s.spec.suspend ? ' (suspended)' : ''}`,
    `models     ${s.spec.models.map((m) => m.name).join(', ')}  suites ${s.spec.evaluation.suites.join(', ')}  languages ${s.spec.languages.join(',')}`,
    `evaluation n=${s.spec.evaluation.samples}, k=${s.spec.evaluation.k.join(',')}${s.spec.baseline ? `, baseline ${s.spec.baseline}` : ''}; regression: drop > ${s.spec.regression?.threshold ?? 0.02} and Holm-adjusted p < ${s.spec.regression?.alpha ?? 0.05}`,
    ...(conditions ? [`conditions ${conditions}`] : []),
    ...(available?.message ? [`           ${available.message}`] : []),
    `last       scheduled ${status?.lastScheduleTime ?? '-'}, succeeded ${status?.lastSuccessfulTime ?? '-'}`,
    ...(status?.lastRegression ? [`regression ${status.lastRegression}`] : []),
  ];
  if (s.nights.length === 0) return [...lines, '', 'no nights yet'].join('\n');
  return [
    ...lines,
    '',
    table(
      ['NIGHT', 'SCHEDULED', 'PHASE', 'REGRESSIONS', 'REPORT / MESSAGE'],
      s.nights.map((n) => [
        n.night,
        n.scheduledTime,
        n.phase,
        String(n.regressions),
        n.phase === 'Failed'
          ? (n.message ?? '')
          : (n.result?.evaluations.map((e) => e.reportPath).join(' ') ?? (n.phase === 'Running' ? 'running' : '')),
      ]),
    ),
  ].join('\n');
}
