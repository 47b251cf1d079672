/**
 * Small process helpers for the embedded PostgreSQL launcher: running a command (optionally as
 * another uid), liveness checks that see through zombies, free ports, and the orphan watchdog.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The OS identity the cluster runs as; `undefined` everywhere means "the current user". */
export interface RunAs {
  uid: number;
  gid: number;
}

export interface RunOptions {
  runAs?: RunAs;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface RunFailure extends Error {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; rejects with its stderr attached when it fails. */
export function run(file: string, args: string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        // The cwd must be reachable by the target uid: a checkout under /root is not.
        cwd: '/',
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 16 * 1024 * 1024,
        uid: options.runAs?.uid,
        gid: options.runAs?.gid,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(Object.assign(error, { stdout: String(stdout), stderr: String(stderr) }) as RunFailure);
        } else {
          resolve(String(stdout));
        }
      },
    );
  });
}

export function stderrOf(error: unknown): string {
  const stderr = (error as Partial<RunFailure> | null)?.stderr;
  const text = typeof stderr === 'string' && stderr.trim() !== '' ? stderr : String(error);
  return text.trim();
}

/**
 * True while `pid` is a live process. A zombie still answers `kill(pid, 0)`, and an orphaned
 * postmaster stays a zombie for as long as init takes to reap it (forever under some container
 * inits), so on Linux the process state is checked too.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** The command line of a process, or undefined where /proc is not available. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone, or not ours to signal: either way there is nothing more to do.
  }
}

export async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Resolves true when the child exits within `timeoutMs`, false otherwise; never rejects. */
export function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Asks the kernel for a free port. Another process may still take it before postgres binds. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

// `alive` treats a zombie parent as dead for the same reason as isAlive() above.
const WATCHDOG_SCRIPT = `
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
  [ "$s" != Z ]
}
while alive "$1"; do sleep 1; done
if alive "$2"; then
  kill -QUIT "$2" 2>/dev/null
  n=0
  while alive "$2" && [ $n -lt 20 ]; do sleep 0.2; n=$((n + 1)); done
  kill -KILL "$2" 2>/dev/null
fi
rm -rf "$3"
`;

/**
 * Starts a detached shell that outlives this process: once this process is gone, however it
 * died (SIGKILL included), it stops the postmaster and removes the run directory. It runs as the
 * current user, so as root it can signal the postmaster that runs as `postgres`.
 */
export function spawnWatchdog(postmasterPid: number, runDir: string): number | undefined {
  const child = spawn(
    '/bin/sh',
    ['-c', WATCHDOG_SCRIPT, 'edgepg-pg-watchdog', String(process.pid), String(postmasterPid), runDir],
    { detached: true, stdio: 'ignore', cwd: '/' },
  );
  child.on('error', () => {});
  child.unref();
  return child.pid;
}

export function stopWatchdog(pid: number | undefined): void {
  if (pid === undefined) return;
  // Detached means it leads its own process group; signalling the group also ends its `sleep`.
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    signal(pid, 'SIGTERM');
  }
}
