/**
 * The `edgepg` executable as a user runs it: a real child process, bundled from `src/cli/bin.ts`
 * the way tsup bundles it, stopped with SIGINT / SIGTERM. No postgres process may survive it.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const outfile = join(root, '.tmp', 'cli-test', `edgepg-${process.pid}.mjs`);

beforeAll(async () => {
  // Dependencies stay external and resolve from the checkout's node_modules, as in the package.
  await build({
    entryPoints: [join(root, 'src/cli/bin.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
});
afterAll(() => rmSync(outfile, { force: true }));

/** Command lines of every process mentioning `needle` (Linux /proc). */
function processesMentioning(needle: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(needle)) found.push(`${entry}: ${cmdline}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function devUntilSignal(signal: 'SIGINT' | 'SIGTERM') {
  const child = spawn(process.execPath, [outfile, 'dev', '--temp', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await expect.poll(() => stdout, { timeout: 30_000 }).toContain('Ready. Press Ctrl-C to stop.');

  const url = /DATABASE_URL=(\S+)/.exec(stdout)?.[1] as string;
  const pid = Number(/\(pid (\d+)\)/.exec(stdout)?.[1]);
  const dataDir = /data: (\S+)/.exec(stdout)?.[1] as string;
  const client = new pg.Client(url);
  await client.connect();
  expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  await client.end();
  expect(isAlive(pid)).toBe(true);
  expect(processesMentioning(dataDir).length).toBeGreaterThan(0);

  child.kill(signal);
  expect(await exited).toBe(0);
  expect(stderr).toContain('Stopped.');
  expect(isAlive(pid)).toBe(false);
  expect(processesMentioning(dataDir)).toEqual([]);
}

describe('edgepg executable', () => {
  it('--help exits 0', async () => {
    const child = spawn(process.execPath, [outfile, '--help'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    expect(stdout).toMatch(/^edgepg — /);
  });

  it('dev: answers its first query, and Ctrl-C (SIGINT) leaves no postgres process behind', async () => {
    await devUntilSignal('SIGINT');
  }, 60_000);

  it('dev: SIGTERM stops it the same way', async () => {
    await devUntilSignal('SIGTERM');
  }, 60_000);
});
