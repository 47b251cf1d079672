/**
 * The `edgepg` command in-process: help and usage errors, `serve` in front of the test
 * PostgreSQL, and `dev` with its own embedded PostgreSQL, stopped like Ctrl-C would.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { neon, neonConfig } from '@neondatabase/serverless';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEV_HELP, MAIN_HELP, SERVE_HELP } from '../../src/cli/help.js';
import { type CliIo, main } from '../../src/cli/main.js';
import { VERSION } from '../../src/cli/version.js';
import { type DevServer, NEON_CONFIG_LINES } from '../../src/server/dev.js';
import type { LocalServer } from '../../src/server/server.js';
import { pointNeonAt } from '../server/helpers.js';
import { credentials, pgInfo } from '../setup/pg.js';

interface Run {
  code: Promise<number>;
  stdout: () => string;
  stderr: () => string;
  ready: Promise<LocalServer | DevServer>;
  stop: () => void;
}

function run(argv: string[], extra: Partial<CliIo> = {}): Run {
  let out = '';
  let err = '';
  const controller = new AbortController();
  let onReady!: (server: LocalServer | DevServer) => void;
  const ready = new Promise<LocalServer | DevServer>((resolve) => {
    onReady = resolve;
  });
  const code: Promise<number> = main(argv, {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    signal: controller.signal,
    onReady,
    ...extra,
  });
  // A command that fails before it is ready must fail the test, not hang it.
  const readyOrExit = Promise.race([
    ready,
    code.then((exit) => {
      throw new Error(`edgepg exited with ${exit} before it was ready: ${err}`);
    }),
  ]);
  readyOrExit.catch(() => {});
  return { code, stdout: () => out, stderr: () => err, ready: readyOrExit, stop: () => controller.abort() };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let restore: () => void;
beforeEach(() => {
  restore = pointNeonAt();
});
afterEach(() => restore());

describe('help and usage', () => {
  it('prints help with --help, help <command> and <command> --help', async () => {
    for (const [argv, text] of [
      [['--help'], MAIN_HELP],
      [['-h'], MAIN_HELP],
      [['help'], MAIN_HELP],
      [['help', 'dev'], DEV_HELP],
      [['help', 'serve'], SERVE_HELP],
      [['dev', '--help'], DEV_HELP],
      [['serve', '-h'], SERVE_HELP],
    ] as const) {
      const r = run([...argv]);
      expect(await r.code).toBe(0);
      expect(r.stdout()).toBe(text);
    }
    expect(MAIN_HELP).toMatch(/^Usage:$/m);
    expect(DEV_HELP).toContain('--data-dir');
  });

  it('with no command, prints help and exits 2', async () => {
    const r = run([]);
    expect(await r.code).toBe(2);
    expect(r.stdout()).toBe(MAIN_HELP);
  });

  it('--version prints the package version', async () => {
    const r = run(['--version']);
    expect(await r.code).toBe(0);
    expect(r.stdout()).toBe(`edgepg ${VERSION}\n`);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(VERSION).toBe(pkg.version);
  });

  it('usage errors exit 2 with a pointer to the help', async () => {
    const cases: [string[], string][] = [
      [['launch'], "edgepg: unknown command 'launch'\nRun 'edgepg help' for usage.\n"],
      [
        ['serve'],
        "edgepg: serve needs --upstream postgres://host[:port]\nRun 'edgepg help serve' for usage.\n",
      ],
      [['dev', '--port', 'abc'], "edgepg: invalid port 'abc'\nRun 'edgepg help dev' for usage.\n"],
      [
        ['dev', '--temp', '--data-dir', 'x'],
        "edgepg: --temp and --data-dir exclude each other\nRun 'edgepg help dev' for usage.\n",
      ],
    ];
    for (const [argv, stderr] of cases) {
      const r = run(argv);
      expect(await r.code).toBe(2);
      expect(r.stderr()).toBe(stderr);
    }
    const unknown = run(['dev', '--nope']);
    expect(await unknown.code).toBe(2);
    expect(unknown.stderr()).toMatch(/^edgepg: Unknown option '--nope'\nRun 'edgepg help dev' for usage.\n$/);
  });

  it('a busy port is a clear error', async () => {
    const first = run(['serve', '--upstream', `postgres://${pgInfo().host}:${pgInfo().port}`, '--port', '0']);
    const server = await first.ready;
    const second = run([
      'serve',
      '--upstream',
      `postgres://${pgInfo().host}:${pgInfo().port}`,
      '--port',
      String(server.port),
    ]);
    expect(await second.code).toBe(1);
    expect(second.stderr()).toContain(`port ${server.port} is already in use; pick another with --port`);
    first.stop();
    expect(await first.code).toBe(0);
  });
});

describe('edgepg serve', () => {
  it('serves the upstream until stopped, and never prints the password', async () => {
    const { user, password } = credentials('scram');
    const info = pgInfo();
    const upstream = `postgres://${user}:${password}@${info.host}:${info.port}/postgres`;
    const r = run(['serve', '--upstream', upstream, '--port', '0', '--verbose']);
    const server = await r.ready;
    expect(r.stdout()).toContain(
      `DATABASE_URL=postgresql://${user}:PASSWORD@localhost:${server.port}/postgres`,
    );
    for (const line of NEON_CONFIG_LINES.split('\n')) expect(r.stdout()).toContain(line);
    const sql = neon(server.connectionString({ user, password, database: 'postgres' }));
    expect(await sql`select 41 + 1 as answer`).toEqual([{ answer: 42 }]);
    r.stop();
    expect(await r.code).toBe(0);
    expect(r.stdout() + r.stderr()).not.toContain(password as string);
    expect(r.stderr()).toContain('POST /sql 200');
    await expect(fetch(server.sqlUrl, { method: 'POST' })).rejects.toThrow();
  });
});

describe('edgepg dev', () => {
  it('--temp: first query answered over HTTP, WebSocket and TCP; stopping leaves no postgres behind', async () => {
    const r = run(['dev', '--temp', '--port', '0']);
    const server = (await r.ready) as DevServer;
    expect(r.stdout()).toContain(`DATABASE_URL=${server.databaseUrl}`);
    expect(server.databaseUrl).toBe(`postgresql://postgres:postgres@localhost:${server.port}/postgres`);
    expect(r.stdout()).toContain(server.neonConfigLines.split('\n')[1]);

    expect(await neon(server.databaseUrl)`select 1 as one`).toEqual([{ one: 1 }]);
    const { Pool } = await import('@neondatabase/serverless');
    const pool = new Pool({ connectionString: server.databaseUrl });
    expect((await pool.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
    await pool.end();
    for (const url of [server.databaseUrl, server.directUrl]) {
      const client = new pg.Client(url);
      await client.connect();
      expect((await client.query('select 3 as three')).rows).toEqual([{ three: 3 }]);
      await client.end();
    }

    const pid = server.postgres.pid;
    expect(isAlive(pid)).toBe(true);
    r.stop();
    expect(await r.code).toBe(0);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(server.postgres.dataDir)).toBe(false);
    expect(neonConfig.useSecureWebSocket).toBe(false); // untouched by the CLI itself
  }, 60_000);

  it('keeps its data in ./.edgepg/data by default, ignored by git, across runs', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'edgepg-cli-'));
    // Run as root, postgres runs as the `postgres` OS user, which must be able to reach the data.
    await chmod(cwd, 0o755);
    try {
      const first = run(
        ['dev', '--port', '0', '--database', 'app', '--user', 'app_owner', '--password', 'dev-pw'],
        { cwd },
      );
      const one = (await first.ready) as DevServer;
      expect(one.postgres.dataDir).toBe(join(cwd, '.edgepg', 'data'));
      expect(await readFile(join(cwd, '.edgepg', '.gitignore'), 'utf8')).toContain('*');
      const sql = neon(one.databaseUrl);
      await sql`create table kept (x int)`;
      await sql`insert into kept values (7)`;
      first.stop();
      expect(await first.code).toBe(0);

      const second = run(
        ['dev', '--port', '0', '--database', 'app', '--user', 'app_owner', '--password', 'dev-pw'],
        { cwd },
      );
      const two = (await second.ready) as DevServer;
      expect(two.databaseUrl).toBe(`postgresql://app_owner:dev-pw@localhost:${two.port}/app`);
      expect(await neon(two.databaseUrl)`select x from kept`).toEqual([{ x: 7 }]);
      second.stop();
      expect(await second.code).toBe(0);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }, 90_000);
});
