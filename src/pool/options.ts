/**
 * `Pool` options: pg-pool 3.14's defaults, normalised once in the constructor as pg-pool does
 * (`max || poolSize || 10`, `idleTimeoutMillis` 10000 only when undefined, …).
 */
import type { Client, ClientConfig } from '../client/client.js';
import { checkTimerMillis } from '../core/timer-limit.js';
import { checkStatementCache } from '../wire/statement-cache.js';

/** The client class a pool builds (ours, a subclass, or any pg-compatible class). */
export type ClientClass = new (config: PoolConfig) => Client;

export interface PoolConfig extends ClientConfig {
  /** Most connections open at once (default 10). */
  max?: number;
  /** pg's old alias of `max`. */
  poolSize?: number;
  /** Idle eviction keeps at least this many connections; nothing is opened ahead of time. */
  min?: number;
  /** Close a connection idle this long (default 10000; `0`/`null` never). */
  idleTimeoutMillis?: number | null;
  /** Close a connection once it has served this many checkouts / pool queries. */
  maxUses?: number;
  /** Close a connection this old once it is idle or released (0 = never). */
  maxLifetimeSeconds?: number;
  /** Let the process exit while only idle connections remain. */
  allowExitOnIdle?: boolean;
  /** Debug logger, called with a message and optional details. */
  log?: (...messages: unknown[]) => void;
  /** The client class to build (default edgepg's `Client`). */
  Client?: ClientClass;
}

/** The options object after pg-pool's normalisation (what `pool.options` shows). */
export type NormalisedPoolOptions = PoolConfig & {
  max: number;
  min: number;
  maxUses: number;
  maxLifetimeSeconds: number;
  allowExitOnIdle: boolean;
  idleTimeoutMillis: number | null;
};

/** Copies `config` with pg-pool's defaults; `password` and `ssl.key` are made non-enumerable. */
export function normaliseOptions(config: PoolConfig | undefined): NormalisedPoolOptions {
  const options = Object.assign({}, config) as NormalisedPoolOptions;
  if (config != null && 'password' in config) {
    // Hidden so that logging the pool (or a stack trace holding it) does not print it.
    Object.defineProperty(options, 'password', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: config.password,
    });
  }
  const ssl = options.ssl as { key?: unknown } | undefined;
  if (ssl && typeof ssl === 'object' && ssl.key) {
    // As pg-pool: this mutates the caller's ssl object, which the options share.
    Object.defineProperty(ssl, 'key', { enumerable: false });
  }
  options.max = options.max || options.poolSize || 10;
  options.min = options.min || 0;
  options.maxUses = options.maxUses || Number.POSITIVE_INFINITY;
  options.allowExitOnIdle = options.allowExitOnIdle || false;
  options.maxLifetimeSeconds = options.maxLifetimeSeconds || 0;
  if (options.idleTimeoutMillis === undefined) options.idleTimeoutMillis = 10000;
  checkTimerMillis('idleTimeoutMillis', options.idleTimeoutMillis);
  checkTimerMillis('connectionTimeoutMillis', options.connectionTimeoutMillis);
  checkTimerMillis('query_timeout', options.query_timeout);
  checkTimerMillis('maxLifetimeSeconds (in ms)', options.maxLifetimeSeconds * 1000);
  // Checked here too, so a bad value fails `new Pool()` rather than every connect.
  checkStatementCache(options.statementCache);
  return options;
}

/** `setTimeout` that does not keep the process alive (where timers can be unref'd). */
export function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}
