import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createProgram, runCli } from './program.js';

describe('xreason CLI', () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    vi.spyOn(console, 'log').mockImplementation((...args) => void out.push(args.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...args) => void err.push(args.join(' ')));
  });
  afterEach(() => vi.restoreAllMocks());

  it('lists its commands in --help and exits 0', async () => {
    expect(await runCli(['node', 'xreason', '--help'])).toBe(0);
    const help = out.join('');
    expect(help).toMatch(/Usage: xreason/);
    expect(help).toMatch(/\bup\b/);
    expect(help).toMatch(/\bversion\b/);
  });

  it('prints its version and the Node.js running it', async () => {
    expect(await runCli(['node', 'xreason', 'version', '--json'])).toBe(0);
    const versions = JSON.parse(out.join(''));
    expect(versions).toMatchObject({ xreason: expect.stringMatching(/^\d+\.\d+\.\d+/), node: process.versions.node });
  });

  it('rejects an unknown command with a non-zero exit and a hint', async () => {
    expect(await runCli(['node', 'xreason', 'uup'])).not.toBe(0);
    expect(err.join('')).toMatch(/unknown command 'uup'[\s\S]*Did you mean up\?/);
  });

  it('rejects a port that is not a port before starting anything', async () => {
    expect(
      await runCli(['node', 'xreason', 'up', '--port', 'seventy', '--state-dir', '/nonexistent/never-created']),
    ).toBe(1);
    expect(err.join('')).toMatch(/--port: "seventy" is not a TCP port/);
  });

  it('registers every command once', () => {
    const names = createProgram().commands.map((c) => c.name());
    expect(new Set(names).size).toBe(names.length);
  });
});
