export { createProgram, runCli } from './program.js';
export type { CliCommand } from './cli-command.js';
export { UserError } from './cli-command.js';
