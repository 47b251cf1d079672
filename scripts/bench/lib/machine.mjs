/**
 * What the numbers were measured on. The load average is taken at start and end because the
 * machine may be shared: a busy neighbour is part of the result.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { REPO_DIR } from './drivers.mjs';

function git(args) {
  try {
    return execFileSync('git', args, {
      cwd: REPO_DIR,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

export function machineInfo() {
  const cpus = os.cpus();
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--', 'src']);
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    commit: commit ? `${commit}${dirty ? ' (src/ has uncommitted changes)' : ''}` : 'unknown',
    loadStart: os.loadavg().map((l) => +l.toFixed(2)),
  };
}

export const loadAverage = () => os.loadavg().map((l) => +l.toFixed(2));
