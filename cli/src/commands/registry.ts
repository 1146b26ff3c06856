import type { CliCommand } from '../cli-command.js';
import { brokerCommand } from './broker.command.js';
import { dataCommand } from './data.command.js';
import { demoCommand } from './demo.command.js';
import { evalCommand } from './eval.command.js';
import { mergeCommand } from './merge.command.js';
import { modelCommand } from './model.command.js';
import { rewardCommand } from './reward.command.js';
import { runCommand } from './run.command.js';
import { upCommand } from './up.command.js';
import { versionCommand } from './version.command.js';

/** Every top-level command, in help order. Adding one: a `<name>.command.ts` file and a line here. */
export const COMMANDS: readonly CliCommand[] = [
  demoCommand,
  upCommand,
  runCommand,
  modelCommand,
  dataCommand,
  evalCommand,
  rewardCommand,
  mergeCommand,
  brokerCommand,
  versionCommand,
];
