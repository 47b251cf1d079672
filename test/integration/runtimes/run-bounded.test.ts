/**
 * The time limit on runtime processes: a hung runtime is killed with everything it started, so a
 * broken runtime fails its test instead of hanging the suite or leaving browsers behind.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runBounded } from './run-bounded.js';

const env = { PATH: process.env.PATH };

/** Running, and not a zombie waiting for a reaper (which this container's init may be slow to be). */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('runBounded', () => {
  it('returns the output and exit code of a process that finishes', async () => {
    const run = await runBounded(
      process.execPath,
      ['-e', 'console.log("out"); console.error("err"); process.exit(3)'],
      { cwd: process.cwd(), env, timeoutMs: 30_000 },
    );
    expect(run).toMatchObject({ code: 3, timedOut: false, stdout: 'out\n', stderr: 'err\n' });
  });

  it('kills a hung process and what it started once the limit passes', async () => {
    const hang = `
      const child = require('node:child_process').spawn('sleep', ['120'], { stdio: 'ignore' });
      console.log(child.pid);
      setInterval(() => {}, 1000);`;
    const run = await runBounded(process.execPath, ['-e', hang], { cwd: process.cwd(), env, timeoutMs: 500 });
    expect(run.timedOut).toBe(true);
    expect(run.code).toBeNull();
    const grandchild = Number(run.stdout.trim());
    expect(Number.isInteger(grandchild) && grandchild > 0).toBe(true);
    // The group got SIGTERM, then SIGKILL when the child ended; signals are asynchronous.
    for (let i = 0; i < 50 && isAlive(grandchild); i++) await new Promise((r) => setTimeout(r, 100));
    expect(isAlive(grandchild)).toBe(false);
  });

  it('reports a command that cannot start instead of throwing', async () => {
    const run = await runBounded('/nonexistent/runtime', [], { cwd: process.cwd(), env, timeoutMs: 5_000 });
    expect(run.code).toBeNull();
    expect(run.stderr).toMatch(/ENOENT/);
  });
});
