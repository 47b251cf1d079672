/**
 * Every run owns a directory `edgepg-pgdata-*` in tmpdir holding `edgepg-owner.json`, the unix
 * socket and (unless persistent) the cluster. The watchdog normally cleans up after a dead owner;
 * this sweep catches what it could not (watchdog killed too, machine rebooted with /tmp kept).
 */
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN_CACHE_PREFIX } from './binaries';
import { commandLine, isAlive, signal, waitUntilGone } from './processes';

export const RUN_DIR_PREFIX = 'edgepg-pgdata-';
export const OWNER_FILE = 'edgepg-owner.json';

export interface Owner {
  /** The node process that started the cluster. */
  nodePid: number;
  postmasterPid?: number;
  dataDir: string;
  persistent: boolean;
}

export async function writeOwner(runDir: string, owner: Owner): Promise<void> {
  await writeFile(join(runDir, OWNER_FILE), `${JSON.stringify(owner)}\n`);
}

async function readOwner(runDir: string): Promise<Owner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(runDir, OWNER_FILE), 'utf8')) as Partial<Owner>;
    return typeof parsed.nodePid === 'number' ? (parsed as Owner) : undefined;
  } catch {
    return undefined;
  }
}

/** Best effort: never throws, and leaves alone anything it cannot prove is abandoned. */
export async function sweepOrphans(tmp: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(tmp);
  } catch {
    return;
  }
  await Promise.all(
    names.map(async (name) => {
      const path = join(tmp, name);
      if (name.startsWith(RUN_DIR_PREFIX)) await sweepRunDir(path);
      else if (name.startsWith(BIN_CACHE_PREFIX) && name.includes('.tmp-')) await sweepStaleStaging(path);
    }),
  );
}

async function sweepRunDir(runDir: string): Promise<void> {
  // No owner file: another run is between mkdtemp and writing it, or the dir is not ours.
  const owner = await readOwner(runDir);
  if (!owner || isAlive(owner.nodePid)) return;
  const pid = owner.postmasterPid;
  // The pid may have been reused since; only signal something that still looks like postgres.
  if (pid !== undefined && isAlive(pid) && (commandLine(pid) ?? 'postgres').includes('postgres')) {
    signal(pid, 'SIGQUIT');
    if (!(await waitUntilGone(pid, 3_000))) signal(pid, 'SIGKILL');
  }
  await rm(runDir, { recursive: true, force: true }).catch(() => {});
}

// A half-finished copy of the binaries left by a run that died mid-copy.
async function sweepStaleStaging(path: string): Promise<void> {
  try {
    if (Date.now() - (await stat(path)).mtimeMs > 60 * 60 * 1000) {
      await rm(path, { recursive: true, force: true });
    }
  } catch {
    // Someone else's, or already gone.
  }
}
