/**
 * The embedded PostgreSQL launcher and the server the global setup provides.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/core/errors';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/server/embedded-postgres';
import { isAlive } from '../../src/server/embedded-postgres/processes';
import { clientConfig, hasRole, type PgRole, pgInfo } from './pg';

const info = pgInfo();
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

async function selectOne(config: pg.ClientConfig): Promise<number> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0].one;
  } finally {
    await client.end();
  }
}

/** The authentication request the server answers a startup message with (0 = none needed). */
function authRequestCode(host: string, port: number, user: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port }, () => {
      socket.write(serialize.startup({ user, database: info.database }));
    });
    let received = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 9) return;
      socket.destroy();
      const type = String.fromCharCode(received[0]);
      if (type === 'R') resolve(received.readInt32BE(5));
      else
        reject(new Error(`expected an authentication request, got ${type}: ${received.toString('latin1')}`));
    });
    socket.on('error', reject);
  });
}

async function socketQuery<T extends pg.QueryResultRow>(server: EmbeddedPostgres, sql: string): Promise<T[]> {
  const client = new pg.Client({
    host: server.socketDir,
    port: server.port,
    user: server.user,
    database: 'postgres',
  });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Run dirs in tmpdir that this process owns, to check that failures leave nothing behind. */
async function ownRunDirs(): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(tmpdir())) {
    if (!name.startsWith('edgepg-pgdata-')) continue;
    try {
      const owner = JSON.parse(await readFile(join(tmpdir(), name, 'edgepg-owner.json'), 'utf8'));
      if (owner.nodePid === process.pid) found.push(name);
    } catch {
      // Not ours or not readable.
    }
  }
  return found.sort();
}

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

describe('the provided server', () => {
  const roles: PgRole[] = ['superuser', 'scram', 'md5', 'password', 'trust'];

  it.each(roles)('answers SELECT 1 over TCP as the %s role', async (role) => {
    if (!hasRole(role)) return;
    expect(await selectOne(clientConfig(role))).toBe(1);
  });

  it.skipIf(info.external).each([
    ['superuser', 10],
    ['scram', 10],
    ['md5', 5],
    ['password', 3],
    ['trust', 0],
  ] as const)(
    'authenticates the %s role over TCP with the expected method (request %i)',
    async (role, code) => {
      // 10 = SASL (SCRAM), 5 = MD5, 3 = cleartext password, 0 = AuthenticationOk (trust).
      expect(await authRequestCode(info.host, info.port, clientConfig(role).user)).toBe(code);
    },
  );

  it.skipIf(info.external).each(['superuser', 'scram', 'md5', 'password'] as const)(
    'rejects a wrong password for the %s role with 28P01',
    async (role) => {
      const error = await selectOne({ ...clientConfig(role), password: 'wrong' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: '28P01' });
    },
  );

  it('reports its version', () => {
    expect(info.version).toMatch(/^\d+(\.\d+)?/);
    expect(info.versionNum).toBeGreaterThanOrEqual(100000);
  });
});

describe('startEmbeddedPostgres', () => {
  it('runs independent clusters in parallel and stop() removes them completely', async () => {
    const servers = await Promise.all([startEmbeddedPostgres(), startEmbeddedPostgres()]);
    try {
      const [a, b] = servers;
      expect(a.port).not.toBe(b.port);
      expect(a.dataDir).not.toBe(b.dataDir);
      expect(a.version).toMatch(/^\d+\.\d+/);
      for (const server of servers) {
        const [row] = await socketQuery<{ data_directory: string }>(server, 'SHOW data_directory');
        expect(row.data_directory).toBe(server.dataDir);
        await expect(authRequestCode('127.0.0.1', server.port, 'postgres')).resolves.toBe(10);
      }
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
    for (const server of servers) {
      expect(existsSync(server.dataDir)).toBe(false);
      expect(existsSync(server.socketDir)).toBe(false);
      expect(() => process.kill(server.pid, 0)).toThrow();
    }
  });

  it('stop() is idempotent and never hangs', async () => {
    const server = await startEmbeddedPostgres();
    const first = server.stop();
    expect(server.stop()).toBe(first);
    await Promise.all([first, server.stop()]);
    await server.stop();
    expect(isAlive(server.pid)).toBe(false);
  });

  it('keeps a given dataDir across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'edgepg-persistent-test-'));
    try {
      const first = await startEmbeddedPostgres({ dataDir });
      try {
        expect(first.dataDir).toBe(dataDir);
        await socketQuery(first, "CREATE TABLE kept AS SELECT 'still here' AS note");
      } finally {
        await first.stop();
      }
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      const second = await startEmbeddedPostgres({ dataDir });
      try {
        expect(await socketQuery(second, 'SELECT note FROM kept')).toEqual([{ note: 'still here' }]);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('fails with a ConnectionError, not a hang, when the requested port is taken', async () => {
    const before = await ownRunDirs();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const error = await startEmbeddedPostgres({ port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(String((error as Error).message)).toMatch(/could not (bind|create any TCP)/);
    } finally {
      blocker.close();
    }
    expect(await ownRunDirs()).toEqual(before);
  });

  it('reports the server log when postgres exits during startup', async () => {
    const error = await startEmbeddedPostgres({ settings: { shared_buffers: 'lots' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain('shared_buffers');
  });

  it('stops the cluster when the node process that started it is SIGKILLed', async () => {
    const { outputFiles } = await build({
      stdin: {
        contents: `
          import { startEmbeddedPostgres } from './src/server/embedded-postgres';
          const server = await startEmbeddedPostgres();
          process.stdout.write(JSON.stringify({ pid: server.pid, socketDir: server.socketDir }) + '\\n');
          setInterval(() => {}, 60_000);
        `,
        resolveDir: repoRoot,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      write: false,
      logLevel: 'silent',
    });
    // Code read from stdin resolves packages from the cwd, so the bundle needs no file of its own.
    const child = spawn(process.execPath, ['--input-type=module'], { cwd: repoRoot, stdio: 'pipe' });
    child.stdin.end(outputFiles[0].text);
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const started = await new Promise<{ pid: number; socketDir: string }>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('\n')) resolve(JSON.parse(stdout.slice(0, stdout.indexOf('\n'))));
      });
      child.once('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
    });
    expect(isAlive(started.pid)).toBe(true);

    child.kill('SIGKILL');
    expect(await eventually(() => !isAlive(started.pid), 10_000)).toBe(true);
    expect(await eventually(() => !existsSync(started.socketDir), 10_000)).toBe(true);
  }, 30_000);
});
