/**
 * Installs a test fixture package (a folder with its own package.json and package-lock.json, such as
 * an ORM or runtime integration suite) with `npm ci`, once per lockfile: the README test command has
 * to work on a fresh clone, and a fixture that is not installed must fail loudly, never skip.
 *
 * Several test files (vitest forks) may ask for the same folder at once, so the install is guarded
 * by a lock directory (mkdir is atomic) and recorded by a stamp holding the lockfile's hash.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = '.edgepg-installed';
const LOCK_STALE_MS = 10 * 60_000;

function lockHash(dir: string): string {
  return createHash('sha256')
    .update(readFileSync(join(dir, 'package-lock.json')))
    .digest('hex');
}

function isInstalled(dir: string, hash: string): boolean {
  const stamp = join(dir, 'node_modules', STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === hash;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `npm ci` in `dir` unless the current lockfile is already installed there. Synchronous. */
export function installFixture(dir: string): void {
  if (!existsSync(join(dir, 'package-lock.json'))) {
    throw new Error(`test fixture ${dir} has no package-lock.json: run npm install there and commit it`);
  }
  const hash = lockHash(dir);
  if (isInstalled(dir, hash)) return;
  const lock = join(dir, '.edgepg-install-lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else is installing; a lock older than any real install is a leftover of a killed run.
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS)
          rmSync(lock, { recursive: true, force: true });
      } catch {}
      sleep(250);
      if (isInstalled(dir, hash)) return;
    }
  }
  try {
    if (isInstalled(dir, hash)) return;
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 8 * 60_000,
    });
    writeFileSync(join(dir, 'node_modules', STAMP), hash);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
