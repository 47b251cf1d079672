/**
 * Connectivity checks and server information (neo4j's `driver.verifyConnectivity()` and
 * `driver.getServerInfo()`, mapped onto Postgres).
 *
 * - `verifyConnectivity({ timeoutMs })` connects when needed and runs `select 1`, all within one
 *   time budget (default 10 s). It rejects with the server's `DatabaseError` (e.g. 28P01 for a
 *   wrong password), a `ConnectionError` when nothing answers the connect, or a `TimeoutError`
 *   when the server accepts the connection but does not answer in time (the connection attempt
 *   is then closed).
 * - `getServerInfo()` reports what the server sent at startup (ParameterStatus, BackendKeyData)
 *   plus `server_version_num`.
 *
 * `Client` and `Pool` delegate here; this module only imports their types.
 */
import { ConfigError, TimeoutError } from '../core/errors.js';
import type { Pool } from '../pool/pool.js';
import type { Client } from './client.js';

export interface VerifyConnectivityOptions {
  /** Time budget for connecting (when needed) and `select 1`, in ms (> 0). Default 10 000. */
  timeoutMs?: number;
}

export interface ServerInfo {
  /** The `server_version` the server reported, e.g. `'17.10'` or `'16.4 (Debian 16.4-1)'`. */
  serverVersion: string;
  /** `show server_version_num`, e.g. `170010`. */
  serverVersionNum: number;
  /** The frontend/backend protocol version in use. */
  protocol: '3.0';
  /** The backend process id (BackendKeyData), as `client.processID`. */
  backendPid: number;
  /** The ParameterStatus values the server sent (`server_version`, `client_encoding`, `TimeZone`…). */
  parameters: Record<string, string>;
}

export const DEFAULT_VERIFY_TIMEOUT_MS = 10_000;

/** Closes a client's connection attempt (given by `Client`, which owns its transport). */
export type AbortConnect = (error: Error) => void;

function resolveTimeout(options: VerifyConnectivityOptions | undefined): number {
  const timeoutMs = options?.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ConfigError(
      `verifyConnectivity timeoutMs must be a finite number > 0, got ${String(timeoutMs)}`,
    );
  }
  return timeoutMs;
}

/** Milliseconds left before `deadline`, at least 1 (query_timeout 0 would mean "no timeout"). */
function remaining(deadline: number): number {
  return Math.max(1, Math.ceil(deadline - performance.now()));
}

/**
 * Races `promise` against a timer. On timeout, `onTimeout` runs (to close what is pending), the
 * result rejects with a `TimeoutError`, and a late success is handed to `onLate` to clean up.
 */
function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  onTimeout: (error: TimeoutError) => void,
  onLate: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      const error = new TimeoutError(`${what} timed out after ${ms} ms`);
      reject(error);
      onTimeout(error);
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        if (timedOut) onLate(value);
        else resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!timedOut) reject(error);
      },
    );
  });
}

/** Connects `client` if it has never connected, within the budget; no-op otherwise. */
async function ensureConnected(client: Client, deadline: number, abort: AbortConnect): Promise<void> {
  if (client._connected || client._connecting || client._ending || client._ended) return;
  await withTimeout(client.connect(), remaining(deadline), 'Connecting', abort, (late) => void late.end());
}

/** `client.verifyConnectivity()`: connect if never connected, then `select 1`, within `timeoutMs`. */
export async function verifyClientConnectivity(
  client: Client,
  options: VerifyConnectivityOptions | undefined,
  abort: AbortConnect,
): Promise<void> {
  const deadline = performance.now() + resolveTimeout(options);
  await ensureConnected(client, deadline, abort);
  await client.query({ text: 'select 1', query_timeout: remaining(deadline) });
}

/** `pool.verifyConnectivity()`: check a connection out, `select 1`, release, within `timeoutMs`. */
export async function verifyPoolConnectivity(
  pool: Pool,
  options: VerifyConnectivityOptions | undefined,
): Promise<void> {
  const deadline = performance.now() + resolveTimeout(options);
  const client = await withTimeout(
    pool.connect(),
    remaining(deadline),
    'Acquiring a connection',
    () => {},
    (late) => late.release(true),
  );
  try {
    await client.query({ text: 'select 1', query_timeout: remaining(deadline) });
  } catch (error) {
    // Unknown state (a timed-out query may still be running): do not give it back to the pool.
    client.release(true);
    throw error;
  }
  client.release();
}

/** `client.getServerInfo()`: connects first if the client never connected. */
export async function clientServerInfo(client: Client, abort: AbortConnect): Promise<ServerInfo> {
  await ensureConnected(client, performance.now() + DEFAULT_VERIFY_TIMEOUT_MS, abort);
  const result = await client.query<{ server_version_num: string }>('show server_version_num');
  const parameters = client.serverParameters;
  const num = Number(result.rows[0]?.server_version_num);
  return {
    serverVersion: parameters.server_version ?? '',
    serverVersionNum: num,
    protocol: '3.0',
    backendPid: client.processID ?? 0,
    parameters,
  };
}

/** `pool.getServerInfo()`: through a checked-out connection (the pool's servers are assumed alike). */
export async function poolServerInfo(pool: Pool): Promise<ServerInfo> {
  const client = await pool.connect();
  try {
    const info = await clientServerInfo(client, () => {});
    client.release();
    return info;
  } catch (error) {
    client.release(true);
    throw error;
  }
}
