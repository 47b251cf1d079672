/**
 * The example runner itself: examples import the built package by name with the preamble
 * applied, and a failing or hanging example is reported with its output, not passed.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExample, toModule } from './run-example.js';
import { typeCheck } from './typecheck.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('runExample', () => {
  let dir: string;
  const options = (name: string, timeoutMs = 15_000) => ({
    moduleDir: dir,
    cwd: dir,
    env: {},
    timeoutMs,
    name,
  });

  beforeAll(async () => {
    await mkdir(join(root, '.tmp'), { recursive: true });
    dir = await mkdtemp(join(root, '.tmp', 'docs-runner-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('resolves edgepg to the built dist/ and applies the preamble first', async () => {
    const source = `
      import { neonConfig } from 'edgepg';
      const http: string = import.meta.resolve('edgepg/http');
      const endpoint = (neonConfig.fetchEndpoint as (h: string, p: number) => string)('localhost', 4444);
      console.log(JSON.stringify({ main: import.meta.resolve('edgepg'), http, endpoint, secure: neonConfig.useSecureWebSocket }));`;
    const run = await runExample(source, options('resolve'));
    expect(run).toMatchObject({ exitCode: 0, timedOut: false });
    expect(JSON.parse(run.output)).toEqual({
      main: expect.stringMatching(/\/dist\/index\.js$/),
      http: expect.stringMatching(/\/dist\/http\.js$/),
      endpoint: 'http://localhost:4444/sql',
      secure: false,
    });
  });

  it('reports a throwing example as a failure with its error in the output', async () => {
    const run = await runExample(
      "import { Client } from 'edgepg';\nnew Client({ sslmode: 'bogus' });",
      options('throws'),
    );
    expect(run.exitCode).not.toBe(0);
    expect(run.timedOut).toBe(false);
    expect(run.output).toMatch(/ConfigError/);
  });

  it('kills an example that does not finish in time', async () => {
    const run = await runExample(
      "console.log('started');\nsetInterval(() => {}, 1_000);",
      options('hangs', 1_500),
    );
    expect(run).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(run.output).toBe('started\n');
  });

  it('rejects source that does not parse, naming the problem', async () => {
    await expect(toModule('const = 1;')).rejects.toThrow(/Expected identifier/);
  });
});

describe('typeCheck', () => {
  it('checks against the built declarations and reports mistakes with file and position', async () => {
    await mkdir(join(root, '.tmp'), { recursive: true });
    const dir = await mkdtemp(join(root, '.tmp', 'docs-typecheck-'));
    try {
      const sources = new Map([
        ['good', "import { Client } from 'edgepg';\nconst client: Client = new Client();\nvoid client;"],
        ['bad', "import { neon } from 'edgepg/http';\nconst sql: number = neon('postgres://localhost/db');"],
      ]);
      const errors = await typeCheck(dir, sources);
      expect(errors).toEqual([
        expect.stringMatching(
          /^bad\.mts\(2,7\): Type 'NeonQueryFunction<.*' is not assignable to type 'number'/,
        ),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
