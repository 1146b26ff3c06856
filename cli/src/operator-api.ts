import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type Resource, type ResourceKind, SchemaValidationError, parseManifests } from '@xreason/contracts';
import { ApiClient } from './api-client.js';
import { UserError } from './cli-command.js';

/** The flags every command that talks to the operator's REST API takes. */
export interface ConnectionOptions {
  url?: string;
  stateDir: string;
  namespace: string;
}

/** Where each kind is applied on the operator's REST API (under /api/v1). */
export const KIND_PATHS: Record<ResourceKind, string> = { AlignmentRun: '/runs', EvalSchedule: '/evalschedules' };

export function withConnection(command: Command, namespaceDescription: string): Command {
  return command
    .option('--url <url>', 'operator URL (default: XREASON_OPERATOR_URL, the local platform, or http://127.0.0.1:7070)')
    .option('--state-dir <dir>', 'local state holding the API token', process.env.XREASON_STATE_DIR ?? '.xreason')
    .option('-n, --namespace <ns>', namespaceDescription, 'default');
}

export function client(options: ConnectionOptions): ApiClient {
  return new ApiClient({ stateDir: resolve(options.stateDir), ...(options.url ? { url: options.url } : {}) });
}

export function namespaceQuery(options: ConnectionOptions): string {
  return options.namespace === 'default' ? '' : `?namespace=${encodeURIComponent(options.namespace)}`;
}

export function readManifestFile(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : resolve(file), 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/**
 * `kubectl apply -f` for the operator: every document of the file, whatever its kind, checked here
 * first (every bad field of every document reported before anything is sent), then each sent to its
 * kind's endpoint, in file order. Prints `<kind>/<name> <action> (generation N)` per resource.
 */
export async function applyManifests(api: ApiClient, text: string, only?: ResourceKind): Promise<void> {
  let resources: Resource[];
  try {
    resources = parseManifests(text, 'manifest');
  } catch (error) {
    if (error instanceof SchemaValidationError) throw new UserError(error.message);
    throw error;
  }
  if (only) {
    const others = resources.filter((r) => r.kind !== only);
    if (others.length > 0)
      throw new UserError(
        `only ${only} resources are applied here (the file has ${others.map((r) => `${r.kind} ${r.metadata.name}`).join(', ')}); "xreason run apply -f" applies every kind`,
      );
  }
  for (const resource of resources) {
    const result = await api.request<{ results: { name: string; action: string; generation: number }[] }>(
      'POST',
      KIND_PATHS[resource.kind],
      { text: JSON.stringify(resource), contentType: 'application/json' },
    );
    for (const r of result.results)
      console.log(`${resource.kind.toLowerCase()}/${r.name} ${r.action} (generation ${r.generation})`);
  }
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function duration(from?: string, to?: string): string {
  if (!from) return '-';
  return human((to ? Date.parse(to) : Date.now()) - Date.parse(from));
}

export function age(since?: string): string {
  return since ? human(Date.now() - Date.parse(since)) : '-';
}

export function human(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}
