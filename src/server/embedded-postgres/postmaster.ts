/**
 * Starts a postmaster, waits for it to become ready, and stops it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectionError } from '../../core/errors';
import { type RunAs, waitForExit } from './processes';

export interface Postmaster {
  child: ChildProcess;
  pid: number;
  port: number;
}

/** `portTaken`: the failure is worth retrying on another port. */
export type LaunchResult =
  | { ok: true; postmaster: Postmaster }
  | { ok: false; error: ConnectionError; portTaken: boolean };

export interface LaunchOptions {
  postgres: string;
  args: string[];
  runAs: RunAs | undefined;
  env: NodeJS.ProcessEnv;
  /** Runs as soon as the process exists, before waiting for readiness. */
  onSpawn: (pid: number) => Promise<void>;
  port: number;
  dataDir: string;
  log?: (line: string) => void;
  timeoutMs: number;
}

const READY_LINE = 'database system is ready to accept connections';
const PORT_TAKEN = /could not bind|address already in use|could not create any TCP\/IP sockets/i;
const KEPT_LINES = 40;

export async function launchPostmaster(options: LaunchOptions): Promise<LaunchResult> {
  const child = spawn(options.postgres, options.args, {
    cwd: '/',
    env: options.env,
    uid: options.runAs?.uid,
    gid: options.runAs?.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  let sawReadyLine = false;
  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > KEPT_LINES) recent.shift();
    if (line.includes(READY_LINE)) sawReadyLine = true;
    options.log?.(line);
  };
  // Attached before any await: when the child exits, node discards output nobody listens to yet
  // (the very lines that say why). Read for the server's whole life, too: a full pipe would block
  // postgres on its next log line.
  forEachLine(child.stdout, onLine);
  forEachLine(child.stderr, onLine);
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });

  const failure = (reason: string, cause?: unknown): LaunchResult => {
    const tail = recent.length > 0 ? `\n--- postgres output (last lines) ---\n${recent.join('\n')}` : '';
    return {
      ok: false,
      error: new ConnectionError(`Embedded PostgreSQL on port ${options.port} ${reason}${tail}`, { cause }),
      portTaken: recent.some((line) => PORT_TAKEN.test(line)),
    };
  };

  if (child.pid !== undefined) {
    try {
      await options.onSpawn(child.pid);
    } catch (error) {
      await stopPostmaster(child);
      throw error;
    }
  }
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (spawnError) return failure(`could not be started: ${spawnError.message}`, spawnError);
    const exited = child.exitCode !== null || child.signalCode !== null;
    if (exited) {
      // 'exit' can come before the last stderr lines (the ones that explain it) have been read.
      await closed(child, 1_000);
      return failure(`exited during startup (${child.exitCode ?? child.signalCode})`);
    }
    // The log line is the usual signal; postmaster.pid's status covers log output we cannot parse.
    if (child.pid !== undefined && (sawReadyLine || (await isReadyPerPidFile(options.dataDir, child.pid)))) {
      return { ok: true, postmaster: { child, pid: child.pid, port: options.port } };
    }
    if (Date.now() >= deadline) {
      await stopPostmaster(child);
      return failure(`did not become ready within ${options.timeoutMs} ms`);
    }
    await waitForExit(child, 50);
  }
}

/** Fast shutdown first (rolls back, closes sessions), then immediate, then SIGKILL. Never hangs. */
export async function stopPostmaster(child: ChildProcess): Promise<void> {
  for (const [signal, waitMs] of [
    ['SIGINT', 10_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    child.kill(signal);
    if (await waitForExit(child, waitMs)) return;
  }
}

function closed(child: ChildProcess, timeoutMs: number): Promise<void> {
  const streams = [child.stdout, child.stderr].filter((stream) => stream !== null && !stream.readableEnded);
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    let open = streams.length;
    if (open === 0) resolve();
    for (const stream of streams) {
      stream?.once('close', () => {
        if (--open === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

// pg_ctl polls the same file: line 1 is the pid (a stale file from a crashed run names another
// one), line 8 the postmaster's status.
async function isReadyPerPidFile(dataDir: string, pid: number): Promise<boolean> {
  try {
    const lines = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n');
    return lines[0]?.trim() === String(pid) && lines[7]?.trim() === 'ready';
  } catch {
    return false;
  }
}

function forEachLine(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
  });
}
