/**
 * PostgreSQL refuses to run as root, so a root process runs the cluster as the `postgres` OS user,
 * creating it on machines that lack one (fresh CI containers).
 */
import { existsSync } from 'node:fs';
import { ConfigError } from '../../core/errors';
import { type RunAs, run, stderrOf } from './processes';

const USER = 'postgres';

/** The identity to run postgres as, or undefined when the current user can run it directly. */
export async function resolveRunAs(): Promise<RunAs | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;

  let ids = await lookup(USER);
  let creationError = '';
  if (!ids) {
    creationError = await createSystemUser(USER);
    // A concurrent run may have created it first; the lookup is what counts.
    ids = await lookup(USER);
  }
  if (!ids) {
    throw new ConfigError(
      `PostgreSQL cannot run as root and the OS user "${USER}" does not exist and could not be created` +
        (creationError ? `: ${creationError}` : '') +
        `. Create it (useradd --system ${USER}) or run as a non-root user.`,
    );
  }
  if (ids.uid === 0) throw new ConfigError(`The OS user "${USER}" has uid 0; PostgreSQL cannot run as root.`);
  return ids;
}

async function lookup(name: string): Promise<RunAs | undefined> {
  try {
    const uid = Number.parseInt(await run('id', ['-u', name]), 10);
    const gid = Number.parseInt(await run('id', ['-g', name]), 10);
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** Returns an error description, or '' on success. */
async function createSystemUser(name: string): Promise<string> {
  try {
    if (!(await groupExists(name))) {
      await run(tool('groupadd'), ['--system', name]).catch(() => {});
    }
    await run(tool('useradd'), [
      '--system',
      '--gid',
      name,
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      '--comment',
      'PostgreSQL (created by edgepg)',
      name,
    ]);
    return '';
  } catch (error) {
    return stderrOf(error);
  }
}

async function groupExists(name: string): Promise<boolean> {
  try {
    await run('getent', ['group', name]);
    return true;
  } catch {
    return false;
  }
}

// Root shells started without a login environment often lack /usr/sbin in PATH.
function tool(name: string): string {
  for (const dir of ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return name;
}
