import { readFileSync } from 'node:fs';

/**
 * The wrapper a worker runs under, in its own process group: it records its pid, runs the worker,
 * then records the exit status atomically (`$dir/pid`, `$dir/exit`). Because the record is written by
 * the worker's side and not by the operator, an operator that was down while a worker ended still
 * learns how it ended, and a restarted operator adopts a running worker instead of starting it again.
 * Arguments: the record directory, then the command.
 */
export const SUPERVISOR_SCRIPT = [
  'dir=$1; shift',
  'echo $$ > "$dir/pid.tmp" && mv "$dir/pid.tmp" "$dir/pid"',
  '"$@"',
  'code=$?',
  'echo $code > "$dir/exit.tmp" && mv "$dir/exit.tmp" "$dir/exit"',
  'exit $code',
].join('\n');

/** The supervisor's pid recorded in `dir` if it is still alive and still ours (pids are reused). */
export function liveSupervisorPid(dir: string): number | undefined {
  const pid = Number(readOrUndefined(`${dir}/pid`)?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  const cmdline = readOrUndefined(`/proc/${pid}/cmdline`);
  if (cmdline !== undefined && !cmdline.split('\0').includes(dir)) return undefined;
  return pid;
}

export function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The line that best explains a failed attempt: the last plain-text line (workers print their verdict
 * there), or the last JSON log line at error level (its `error`, else `msg`); warnings and info that
 * follow an error do not hide it.
 */
export function lastLogLine(file: string): string | undefined {
  const text = readOrUndefined(file);
  if (!text) return undefined;
  for (const raw of text.trimEnd().split('\n').reverse()) {
    const line = raw.trim();
    if (!line || line.startsWith('[xreason]')) continue;
    if (!line.startsWith('{')) return line.slice(0, 300);
    try {
      const entry = JSON.parse(line) as { level?: unknown; error?: unknown; msg?: unknown };
      const level =
        typeof entry.level === 'number' ? entry.level : ({ error: 50, fatal: 60 }[String(entry.level)] ?? 0);
      if (level >= 50) return String(entry.error ?? entry.msg ?? line).slice(0, 300);
    } catch {
      return line.slice(0, 300);
    }
  }
  return undefined;
}
