import type { Command } from 'commander';
import type { AlignmentRunStatus } from '@xreason/contracts';
import {
  type ConnectionOptions,
  age,
  applyManifests,
  client,
  duration,
  namespaceQuery as query,
  readManifestFile,
  table,
  withConnection,
} from '../operator-api.js';
import type { CliCommand } from '../cli-command.js';

interface RunSummary {
  name: string;
  namespace: string;
  recipe: string;
  phase: string;
  stagesSucceeded: number;
  stages: number;
  generation: number;
  observedGeneration: number;
  createdAt?: string;
}

interface RunResource {
  metadata: {
    name: string;
    namespace: string;
    generation: number;
    creationTimestamp?: string;
    deletionRequested?: boolean;
  };
  spec: { recipe: string; languages: string[] };
  status?: AlignmentRunStatus;
}

export const runCommand: CliCommand = {
  name: 'run',
  register(program) {
    const run = program.command('run').description('submit and follow alignment runs on the operator');
    const connection = (command: Command) => withConnection(command, 'namespace of the run');

    connection(
      run
        .command('apply')
        .description(
          'create runs and schedules from a manifest, or update their specs (AlignmentRun and EvalSchedule; YAML or JSON, several documents allowed)',
        )
        .requiredOption('-f, --file <file>', 'manifest ("-" reads stdin)'),
    ).action(async (options: ConnectionOptions & { file: string }) => {
      await applyManifests(client(options), readManifestFile(options.file));
    });

    connection(
      run
        .command('status')
        .description('a table of runs, or one run with its stages (phase, attempts, message)')
        .argument('[name]', 'the run')
        .option('--json', 'print JSON'),
    ).action(async (name: string | undefined, options: ConnectionOptions & { json?: boolean }) => {
      const api = client(options);
      if (!name) {
        const { items } = await api.request<{ items: RunSummary[] }>('GET', '/runs');
        if (options.json) return console.log(JSON.stringify(items, null, 2));
        if (items.length === 0) return console.log('no runs (submit one with "xreason run apply -f run.yaml")');
        console.log(
          table(
            ['NAME', 'RECIPE', 'PHASE', 'STAGES', 'AGE'],
            items.map((r) => [r.name, r.recipe, r.phase, `${r.stagesSucceeded}/${r.stages}`, age(r.createdAt)]),
          ),
        );
        return;
      }
      const resource = await api.request<RunResource>('GET', `/runs/${encodeURIComponent(name)}${query(options)}`);
      if (options.json) return console.log(JSON.stringify(resource, null, 2));
      console.log(renderRun(resource));
    });

    connection(
      run
        .command('logs')
        .description("a run's stage logs (the latest attempt of each stage, or of --stage)")
        .argument('<name>', 'the run')
        .option('--stage <stage>', 'only this stage'),
    ).action(async (name: string, options: ConnectionOptions & { stage?: string }) => {
      const params = new URLSearchParams();
      if (options.stage) params.set('stage', options.stage);
      if (options.namespace !== 'default') params.set('namespace', options.namespace);
      const suffix = params.size > 0 ? `?${params}` : '';
      const { logs } = await client(options).request<{ logs: { stage: string; attempt: number; text: string }[] }>(
        'GET',
        `/runs/${encodeURIComponent(name)}/logs${suffix}`,
      );
      if (logs.length === 0) console.error(`no stage of ${name} has started yet`);
      for (const log of logs) {
        if (!options.stage || logs.length > 1) console.log(`==> ${log.stage} (attempt ${log.attempt}) <==`);
        process.stdout.write(log.text.endsWith('\n') || log.text === '' ? log.text : `${log.text}\n`);
      }
    });

    connection(
      run
        .command('delete')
        .description('delete a run: its running stage workers are stopped first')
        .argument('<name>', 'the run'),
    ).action(async (name: string, options: ConnectionOptions) => {
      const result = await client(options).request<{ outcome: string }>(
        'DELETE',
        `/runs/${encodeURIComponent(name)}${query(options)}`,
      );
      console.log(
        result.outcome === 'deleted'
          ? `alignmentrun/${name} deleted`
          : `alignmentrun/${name} deleting (its stage workers are being stopped)`,
      );
    });
  },
};

function renderRun(run: RunResource): string {
  const status = run.status;
  const conditions = (status?.conditions ?? []).map((c) => `${c.type}=${c.status} (${c.reason})`).join('  ');
  const head = [
    `run        ${run.metadata.name}${run.metadata.namespace === 'default' ? '' : ` (namespace ${run.metadata.namespace})`}`,
    `recipe     ${run.spec.recipe}  languages ${run.spec.languages.join(',')}`,
    `phase      ${run.metadata.deletionRequested ? 'Deleting' : (status?.phase ?? 'Pending')}  generation ${run.metadata.generation}, observed ${status?.observedGeneration ?? 0}`,
    ...(conditions ? [`conditions ${conditions}`] : []),
  ];
  const stages = status?.stages ?? [];
  if (stages.length === 0) return [...head, '', 'no stages yet'].join('\n');
  return [
    ...head,
    '',
    table(
      ['STAGE', 'KIND', 'PHASE', 'ATTEMPTS', 'DURATION', 'MESSAGE'],
      stages.map((s) => [
        s.name,
        s.kind,
        s.phase,
        String(s.attempts),
        duration(s.startedAt, s.finishedAt),
        s.message ?? '',
      ]),
    ),
  ].join('\n');
}
