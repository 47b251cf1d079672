/**
 * The `edgepg` command: `dev`, `serve` and help. `main(argv, io)` does everything but touch the
 * process' exit code, so tests run it in-process; `bin.ts` is the executable around it.
 *
 * A running server stops on SIGINT, SIGTERM or SIGHUP (or `io.signal`): the server closes its
 * sessions and pooled connections, then the embedded PostgreSQL shuts down, and only then does
 * `main` resolve. A second Ctrl-C skips the wait; the launcher's watchdog still stops postgres.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type DevServer, neonConfigLines, startDev } from '../server/dev.js';
import type { LogLevel } from '../server/log.js';
import { DEFAULT_PORT } from '../server/options.js';
import { type LocalServer, startServer } from '../server/server.js';
import type { TlsOptions } from '../server/tls.js';
import { DEV_HELP, MAIN_HELP, SERVE_HELP } from './help.js';
import { VERSION } from './version.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Stops a running server like Ctrl-C does. Without it, process signals do. */
  signal?: AbortSignal;
  /** Where `.edgepg/data` goes by default. */
  cwd?: string;
  /** Told once the server is up, with what the banner shows. */
  onReady?(server: LocalServer | DevServer): void;
}

/** Exit codes: 0 done, 1 failed, 2 bad usage. */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const out: CliIo = {
    stdout: io.stdout ?? ((text) => process.stdout.write(text)),
    stderr: io.stderr ?? ((text) => process.stderr.write(text)),
    signal: io.signal,
    cwd: io.cwd ?? process.cwd(),
    onReady: io.onReady,
  };
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
        out.stdout(MAIN_HELP);
        return command === undefined ? 2 : 0;
      case '-v':
      case '--version':
        out.stdout(`edgepg ${VERSION}\n`);
        return 0;
      case 'help':
        out.stdout(rest[0] === 'dev' ? DEV_HELP : rest[0] === 'serve' ? SERVE_HELP : MAIN_HELP);
        return 0;
      case 'dev':
        return await dev(rest, out);
      case 'serve':
        return await serve(rest, out);
      default:
        return usage(out, `unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) return usage(out, error.message, error.command);
    out.stderr(`edgepg: ${(error as Error).message}\n`);
    return 1;
  }
}

class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

function usage(io: CliIo, message: string, command?: string): number {
  io.stderr(`edgepg: ${message}\nRun 'edgepg help${command ? ` ${command}` : ''}' for usage.\n`);
  return 2;
}

const SHARED_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  'allow-host': { type: 'string', multiple: true },
  'allow-origin': { type: 'string', multiple: true },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs `parseArgs`, turning its complaints into usage errors for `command`. */
function parseFor<T>(command: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify.*$/s, ''), command);
  }
}

function port(command: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new UsageError(`invalid port '${value}'`, command);
  return n;
}

/** `--tls-cert` and `--tls-key`: both or neither, read as PEM files. */
async function tlsFiles(command: string, values: Record<string, unknown>): Promise<TlsOptions | undefined> {
  const certFile = values['tls-cert'] as string | undefined;
  const keyFile = values['tls-key'] as string | undefined;
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined)
    throw new UsageError('--tls-cert and --tls-key go together', command);
  const read = (flag: string, file: string) =>
    readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new Error(`cannot read ${flag} ${file}: ${error.code ?? error.message}`);
    });
  return { cert: await read('--tls-cert', certFile), key: await read('--tls-key', keyFile) };
}

/** Options both commands share, as `startServer` options. */
async function serverOptions(command: string, values: Record<string, unknown>, io: CliIo) {
  const origins = values['allow-origin'] as string[] | undefined;
  return {
    tls: await tlsFiles(command, values),
    port: port(command, values.port as string | undefined, DEFAULT_PORT),
    host: values.host as string | undefined,
    allowedHosts: values['allow-host'] as string[] | undefined,
    allowedOrigins: origins?.includes('*') ? ('*' as const) : origins,
    verbose: values.verbose === true,
    log: (level: LogLevel, message: string) =>
      io.stderr(`${level === 'info' ? '' : `${level}: `}${message}\n`),
  };
}

async function dev(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseFor('dev', () =>
    parseArgs({
      args: [...args],
      strict: true,
      options: {
        ...SHARED_OPTIONS,
        'data-dir': { type: 'string' },
        temp: { type: 'boolean' },
        'pg-port': { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        database: { type: 'string' },
      },
    }),
  );
  if (values.help) {
    io.stdout(DEV_HELP);
    return 0;
  }
  if (values.temp && values['data-dir'] !== undefined)
    throw new UsageError('--temp and --data-dir exclude each other', 'dev');
  let dataDir: string | undefined;
  if (!values.temp) {
    dataDir = resolve(io.cwd ?? '.', values['data-dir'] ?? join('.edgepg', 'data'));
    if (values['data-dir'] === undefined) await ignoreInGit(resolve(io.cwd ?? '.', '.edgepg'));
  }
  const options = {
    ...(await serverOptions('dev', values, io)),
    pgPort: port('dev', values['pg-port'], undefined),
  };
  io.stderr('Starting PostgreSQL…\n');
  const server = await startDev({
    ...options,
    dataDir,
    user: values.user,
    password: values.password,
    database: values.database,
  }).catch((error: Error & { code?: string }) => {
    throw friendly(error, values.port ?? String(DEFAULT_PORT));
  });
  const pg = server.postgres;
  io.stdout(
    [
      '',
      `edgepg dev: PostgreSQL ${pg.version} behind a local Neon-compatible server on ${server.url}`,
      `  data: ${pg.dataDir}${dataDir ? '' : ' (temporary, deleted on exit)'}`,
      '',
      `  DATABASE_URL=${server.databaseUrl}`,
      '',
      '  For neon(), Pool and Client of @neondatabase/serverless, run this once at startup',
      '  (development only; in production leave neonConfig alone):',
      '',
      indent(server.neonConfigLines, 4),
      ...trustHint(values['tls-cert']),
      '',
      '  psql, pg, Prisma, Drizzle Kit and other Postgres clients can use DATABASE_URL as it is.',
      `  PostgreSQL itself: ${server.directUrl} (pid ${pg.pid})`,
      '',
      'Ready. Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  return runUntilStopped(server, io);
}

async function serve(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseFor('serve', () =>
    parseArgs({
      args: [...args],
      strict: true,
      options: { ...SHARED_OPTIONS, upstream: { type: 'string' } },
    }),
  );
  if (values.help) {
    io.stdout(SERVE_HELP);
    return 0;
  }
  if (!values.upstream) throw new UsageError('serve needs --upstream postgres://host[:port]', 'serve');
  const server = await startServer({
    ...(await serverOptions('serve', values, io)),
    upstream: values.upstream,
  }).catch((error: Error & { code?: string }) => {
    throw friendly(error, values.port ?? String(DEFAULT_PORT));
  });
  const example = exampleUrl(server, values.upstream);
  io.stdout(
    [
      '',
      `edgepg serve: a local Neon-compatible server on ${server.url} for the PostgreSQL at ${upstreamHost(values.upstream)}`,
      '',
      `  DATABASE_URL=${example}`,
      '',
      '  For neon(), Pool and Client of @neondatabase/serverless, run this once at startup:',
      '',
      indent(neonConfigLines(server.url.startsWith('https:')), 4),
      ...trustHint(values['tls-cert']),
      '',
      'Ready. Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  return runUntilStopped(server, io);
}

/** The upstream URL's credentials at this server; the password is never printed. */
function exampleUrl(server: LocalServer, upstream: string): string {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    return server.connectionString({ user: 'user', password: 'password', database: 'database' });
  }
  const user = decodeURIComponent(url.username) || 'user';
  const database = decodeURIComponent(url.pathname.slice(1)) || 'postgres';
  return server.connectionString({ user, password: 'PASSWORD', database });
}

function upstreamHost(upstream: string): string {
  try {
    const url = new URL(upstream);
    return `${url.hostname}:${url.port || 5432}`;
  } catch {
    return 'the upstream';
  }
}

/** How Node clients trust a self-signed `--tls-cert`. */
function trustHint(certFile: string | undefined): string[] {
  if (certFile === undefined) return [];
  return [
    '',
    `  TLS only. A self-signed certificate must be trusted by clients: in Node, start them with`,
    `  NODE_EXTRA_CA_CERTS=${resolve(certFile)}`,
  ];
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}

function friendly(error: Error & { code?: string }, portText: string): Error {
  if (error.code === 'EADDRINUSE')
    return new Error(`port ${portText} is already in use; pick another with --port`);
  if (error.code === 'EACCES')
    return new Error(`not allowed to listen on port ${portText}; pick another with --port`);
  return error;
}

/** `.edgepg/` holds only local state: a `.gitignore` inside keeps it out of commits. */
async function ignoreInGit(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, '.gitignore'), '# Local database of `edgepg dev`.\n*\n', {
    flag: 'wx',
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}

/** Resolves with the exit code once the server is closed after a stop request. */
async function runUntilStopped(server: LocalServer, io: CliIo): Promise<number> {
  // startServer itself warns (through the log sink, on stderr) when the host is not loopback.
  io.onReady?.(server);
  await new Promise<void>((resolve) => {
    if (io.signal) {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const onSignal = () => {
      for (const s of signals) process.off(s, onSignal);
      // A second Ctrl-C while shutting down: stop waiting (postgres' watchdog cleans up).
      process.once('SIGINT', () => process.exit(130));
      resolve();
    };
    for (const s of signals) process.on(s, onSignal);
  });
  io.stderr('Stopping…\n');
  await server.close();
  io.stderr('Stopped.\n');
  return 0;
}
