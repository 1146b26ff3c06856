import { UserError } from './cli-command.js';

/** Option parsers that name the flag in their error, so a typo points at itself. */
export function parsePort(flag: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`${flag}: "${value}" is not a TCP port`);
  return port;
}

export function parsePositiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag}: "${value}" is not a positive integer`);
  return n;
}

export function parseChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value))
    throw new UserError(`${flag}: "${value}" is not one of ${choices.join(', ')}`);
  return value as T;
}
