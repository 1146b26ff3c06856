import type { Command } from 'commander';

/** One top-level `xreason` command. Commands are listed explicitly in commands/registry.ts. */
export interface CliCommand {
  readonly name: string;
  /** Adds the command (and its subcommands) to the program. */
  register(program: Command): void;
}

/** An error whose message is for the user: printed without a stack trace, exit code 1 (or `exitCode`). */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
