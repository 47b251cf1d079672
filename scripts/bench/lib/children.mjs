/**
 * Child processes of the harness: long-lived services (delay proxy, ws relay, local server) and
 * short-lived workers (one measurement in a fresh process). Every child is tracked by pid so an
 * interrupted run stops exactly the processes it started, and every service also exits by itself
 * when its stdin closes, so even a SIGKILLed harness leaves no orphans.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const WORKER = join(BENCH_DIR, 'lib', 'worker.mjs');
const RESULT_MARK = '@@bench-result@@';

const running = new Set();

/** Sends SIGTERM to every child still running (by pid), then SIGKILL to stragglers. */
export async function killAllChildren() {
  const children = [...running];
  for (const child of children) child.kill('SIGTERM');
  await Promise.race([
    Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve)))),
    new Promise((resolve) => setTimeout(resolve, 2000)),
  ]);
  for (const child of running) child.kill('SIGKILL');
}

function track(child) {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/**
 * Starts a service script that prints one JSON line when ready and stays up until its stdin
 * closes. Resolves to `{ info, stop() }`.
 */
export function startService(script, args = [], { timeoutMs = 30_000 } = {}) {
  const child = track(
    spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'], cwd: BENCH_DIR }),
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    const onData = (chunk) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline === -1) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      const info = JSON.parse(buffer.slice(0, newline));
      resolve({
        info,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.stdin.end();
            setTimeout(() => child.kill('SIGKILL'), 3000).unref();
          }),
      });
    };
    child.stdout.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before it was ready\n${stderr}`));
    });
  });
}

/**
 * Runs `exportName(args)` from a scenario module in a fresh `node` process and resolves to what
 * it returned (JSON). `nodeArgs` e.g. ['--expose-gc'].
 */
export function runWorker(modulePath, exportName, args, { nodeArgs = [], timeoutMs = 180_000 } = {}) {
  const child = track(
    spawn(process.execPath, [...nodeArgs, WORKER, modulePath, exportName], {
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: BENCH_DIR,
      env: { ...process.env, BENCH_ARGS: JSON.stringify(args) },
    }),
  );
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const at = stdout.lastIndexOf(RESULT_MARK);
      if (code === 0 && at !== -1) {
        resolve(JSON.parse(stdout.slice(at + RESULT_MARK.length)));
        return;
      }
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      reject(new Error(`worker ${modulePath}#${exportName} failed (${why})\n${stderr.trim()}`));
    });
  });
}

export { RESULT_MARK };
