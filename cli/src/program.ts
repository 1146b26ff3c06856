import { Command, CommanderError } from 'commander';
import { SchemaValidationError } from '@xreason/contracts';
import { COMMANDS } from './commands/registry.js';
import { UserError } from './cli-command.js';
import { CLI_VERSION } from './version.js';

export function createProgram(): Command {
  const program = new Command('xreason')
    .description("Teach language models to reason in the user's language, and prove it with evaluation.")
    .version(CLI_VERSION, '-V, --version')
    .showHelpAfterError('(run "xreason --help" for usage)')
    .exitOverride();
  const seen = new Set<string>();
  for (const command of COMMANDS) {
    if (seen.has(command.name)) throw new Error(`duplicate CLI command "${command.name}"`);
    seen.add(command.name);
    command.register(program);
  }
  return program;
}

/** Runs the CLI and returns the process exit code; user-facing errors are printed without stacks. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof UserError) {
      console.error(`error: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof SchemaValidationError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    console.error(error);
    return 1;
  }
}
