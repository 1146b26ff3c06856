import { CLI_VERSION } from '../version.js';
import type { CliCommand } from '../cli-command.js';

export const versionCommand: CliCommand = {
  name: 'version',
  register(program) {
    program
      .command('version')
      .description('print the versions of xreason and of the Node.js running it')
      .option('--json', 'print JSON')
      .action((options: { json?: boolean }) => {
        const versions = {
          xreason: CLI_VERSION,
          node: process.versions.node,
          platform: `${process.platform}-${process.arch}`,
        };
        if (options.json) console.log(JSON.stringify(versions));
        else console.log(`xreason ${versions.xreason} (node ${versions.node}, ${versions.platform})`);
      });
  },
};
