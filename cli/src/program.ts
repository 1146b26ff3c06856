import { Command, CommanderError } from 'commander';
import { RegistryError, SchemaValidationError } from '@xreason/contracts';
import { COMMANDS } from './commands/registry.js';
import { UserError } from './cli-command.js';
import { CLI_VERSION } from './version.js';

export function createProgram(): Command {
  const program = new Command('xreason')
    .description("Teach language models to reason in the user's language, and prove it with evaluation.")
    .version(CLI_VERSION, '-V, --version')
    .showHelpAfterError('(run "xreason --help" for usage)')
    // Options belong to the command they follow: `xreason eval schedule status --state-dir D` gives D to
    // `status`, not to `eval` (which has a --state-dir of its own).
    .enablePositionalOptions()
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
    // An action that reports a failure without throwing (e.g. `data check` printing its report) sets exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof UserError) {
      console.error(`error: ${error.message}`);
      return error.exitCode;
    }
    if (isUserFacing(error) && !process.env.XREASON_DEBUG) {
      console.error(`error: ${(error as Error).message}`);
      return 1;
    }
    console.error(error);
    return 1;
  }
}

/** Errors our libraries raise about the user's input (bad files, configs, names): a message, not a stack. */
const USER_FACING_ERRORS = new Set([
  'DatasetError',
  'SafetensorsError',
  'ConfigError',
  'DataDirInUseError',
  'MergeError',
  'ModelCheckpointError',
  'EngineInputError',
]);

function isUserFacing(error: unknown): boolean {
  return (
    error instanceof SchemaValidationError ||
    error instanceof RegistryError ||
    (error instanceof Error && USER_FACING_ERRORS.has(error.name))
  );
}
