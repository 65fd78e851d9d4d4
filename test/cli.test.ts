// The command line itself: commands load on demand, yet help, version and mistakes behave as before.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandsFor } from '../src/cli/commands/index.js';
import { airlock } from './helpers/cli.js';

const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string;

describe('which command modules load', () => {
  it('only the one named, even after top-level options', () => {
    expect(commandsFor(['verify', './bundle', '--json']).map((c) => c.name)).toEqual(['verify']);
    expect(commandsFor(['--json', 'store', 'ls']).map((c) => c.name)).toEqual(['store']);
  });
  it('none for a bare --version; all for help and unknown words', () => {
    expect(commandsFor(['--version'])).toEqual([]);
    expect(commandsFor(['-V'])).toEqual([]);
    expect(commandsFor(['--help'])).toHaveLength(COMMANDS.length);
    expect(commandsFor([])).toHaveLength(COMMANDS.length);
    expect(commandsFor(['help', 'verify'])).toHaveLength(COMMANDS.length);
    expect(commandsFor(['verfy'])).toHaveLength(COMMANDS.length);
  });
});

describe('airlock', () => {
  it('--help lists every command', async () => {
    const r = await airlock(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c.name}\\b`, 'm'));
  });

  it('--version prints the package version', async () => {
    const r = await airlock(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  });

  it('<command> --help and help <command> show that command’s options', async () => {
    for (const args of [['verify', '--help'], ['help', 'verify']]) {
      const r = await airlock(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: airlock verify');
      expect(r.stdout).toContain('--pubkey');
    }
  });

  it('a number option that is not a whole number in range is exit 2, one line naming the flag', async () => {
    for (const [args, line] of [
      [['collect', '-j', 'abc'], 'airlock: --concurrency must be a whole number from 1 to 256, not "abc"'],
      [['collect', '--retries', '-1'], 'airlock: --retries must be a whole number from 0 to 100, not "-1"'],
      [['tls', '--site', 'x', '--out', 'y', '--days', '0'], 'airlock: --days must be a whole number from 1 to 36500, not "0"'],
    ] as const) {
      const r = await airlock([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(line);
    }
  });

  it('an unknown command is exit 2 with a suggestion, no stack trace', async () => {
    const r = await airlock(['verfy']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'verfy'");
    expect(r.stderr).toContain('verify');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
