import { once } from 'node:events';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { startXreason } from './run-cli.js';

describe('xreason broker', () => {
  it('serves kafkajs on the announced address and stops cleanly on SIGTERM', async () => {
    const child = startXreason(['broker', '--memory', '--port', '0', '--log-level', 'warn']);
    let stdout = '';
    child.stdout?.on('data', (d) => (stdout += d));
    const address = await new Promise<string>((resolveAddress, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address announced; stdout: ${stdout}`)), 30_000);
      child.stdout?.on('data', () => {
        const match = /listening on (\S+)/.exec(stdout);
        if (match?.[1]) {
          clearTimeout(timer);
          resolveAddress(match[1]);
        }
      });
    });
    const kafka = new Kafka({ clientId: 'cli-test', brokers: [address], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'cli-smoke', numPartitions: 2 }] });
    expect(await admin.listTopics()).toContain('cli-smoke');
    await admin.disconnect();
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 60_000);

  it('refuses --memory together with --data-dir', async () => {
    const child = startXreason(['broker', '--memory', '--data-dir', '/tmp/x']);
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toMatch(/--memory and --data-dir exclude each other/);
  });
});
