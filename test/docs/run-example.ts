/**
 * Runs one documentation example for real: transpiled by esbuild to an ES module, written inside
 * the package (so `import 'edgepg'` resolves to the built `dist/` through package.json
 * "exports", as an installed copy would), and run by a fresh Node process after the preamble.
 * The process is killed when it outlives its time limit; its output is kept for the report.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transform } from 'esbuild';

const preamble = pathToFileURL(fileURLToPath(new URL('./preamble.mjs', import.meta.url))).href;

export interface ExampleRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
}

export interface RunOptions {
  /** Where the module file is written: must be inside the package for the self-reference. */
  moduleDir: string;
  /** The example's working directory (relative file names in the example resolve there). */
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** File name of the module, for stack traces. */
  name: string;
}

/** TypeScript (or JavaScript) source → an ES module; throws esbuild's error on bad syntax. */
export async function toModule(source: string): Promise<string> {
  const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20' });
  return code;
}

export async function runExample(source: string, options: RunOptions): Promise<ExampleRun> {
  const file = join(options.moduleDir, `${options.name}.mjs`);
  await writeFile(file, await toModule(source));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', preamble, file], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, timedOut, output });
    });
  });
}
