/**
 * The fault-injection harness: the APIs under test, each as a ledger writer, and a runner that
 * puts one call of each API in flight under a fault and checks what the contract promises:
 *
 * - the call settles (succeeds, or fails with a typed error) within its timeouts — a guard well
 *   past them turns a hang into a test failure;
 * - the next call succeeds: on the same Pool / `neon()`, or on a new Client (a Client whose
 *   connection broke cannot be reused, as in pg);
 * - every call that resolved wrote a ledger row (checked at the end with npm `pg` as the reader),
 *   calls that failed with `CommitUnknownError` are counted apart.
 */
import pg from 'pg';
import { WebSocket } from 'ws';
import { Client, type ClientConfig } from '../../src/client/client.js';
import { CommitUnknownError } from '../../src/client/transaction.js';
import { DatabaseError } from '../../src/core/database-error.js';
import { EdgePgError, TimeoutError } from '../../src/core/errors.js';
import { NeonDbError, neon } from '../../src/http/index.js';
import { Pool } from '../../src/pool/pool.js';
import type { FaultCaseRecord } from '../support/reliability-log.js';

/** Every client-side timeout of the APIs under test (query, connect, HTTP request). */
export const TIMEOUT_MS = 3_000;
/** How far past its budget a call may go before the runner calls it a hang. */
export const HANG_SLACK_MS = 10_000;

export interface Endpoint {
  host: string;
  port: number;
}

export interface Endpoints {
  /** Where TCP clients connect: PostgreSQL, or a fault proxy in front of it. */
  postgres: Endpoint;
  /** Where HTTP and WebSocket clients connect: the local server, or a fault proxy in front of it. */
  server: Endpoint;
  /** A connection string naming the local server (for `neon()` and WebSocket clients). */
  serverUrl: string;
  user: string;
  password: string;
  database: string;
  /** The ledger table. */
  table: string;
}

/** One open instance of an API: writes ledger rows. */
export interface ApiHandle {
  /**
   * Inserts `id` after `pg_sleep(sleepS)`. `arm` runs just before the request is sent, or inside
   * a transaction just before COMMIT, so a one-shot fault hits that message.
   */
  write(id: string, sleepS: number, arm: () => void): Promise<void>;
  /** A Pool's connections that are broken yet still in the pool (0 for the others). */
  broken(): number;
  close(): Promise<void>;
}

export function brokenIn(pool: Pool): number {
  return pool._clients.filter((client) => !client._queryable || client._ending).length;
}

export interface Api {
  name: string;
  /** Whether it reaches PostgreSQL through the local server (and so is affected by its restart). */
  viaServer: boolean;
  /** Whether the same instance is used again after a failed call (Pool, neon()) or a new one. */
  reusable: boolean;
  /** Whether a new instance opens its own connection (`neon()` shares `fetch`'s keep-alive pool). */
  ownsConnections: boolean;
  /** A managed transaction: `arm` runs before its COMMIT. */
  transactional: boolean;
  /** The bound the whole call promises to settle within, from its timeouts. */
  budgetMs: number;
  open(e: Endpoints): Promise<ApiHandle>;
}

export const insert = (table: string) => `insert into ${table} (id) select $1 from pg_sleep($2)`;

function tcpConfig(e: Endpoints): ClientConfig {
  return {
    host: e.postgres.host,
    port: e.postgres.port,
    user: e.user,
    password: e.password,
    database: e.database,
    query_timeout: TIMEOUT_MS,
    connectionTimeoutMillis: TIMEOUT_MS,
  };
}

function wsConfig(e: Endpoints): ClientConfig {
  return {
    connectionString: e.serverUrl,
    wsProxy: `${e.server.host}:${e.server.port}/v2`,
    useSecureWebSocket: false,
    webSocketConstructor: WebSocket as unknown as ClientConfig['webSocketConstructor'],
    query_timeout: TIMEOUT_MS,
    connectionTimeoutMillis: TIMEOUT_MS,
  };
}

export type Route = 'TCP' | 'WS';

export function configFor(route: Route, e: Endpoints): ClientConfig {
  return route === 'TCP' ? tcpConfig(e) : wsConfig(e);
}

const retry = { maxRetryTimeMs: TIMEOUT_MS, initialRetryDelayMs: 50 };

type Write = ApiHandle['write'];

/** A lone Client: connects in `open`; `write` gets it. */
function clientApi(
  name: string,
  route: Route,
  transactional: boolean,
  budgetMs: number,
  write: (client: Client, table: string) => Write,
): Api {
  return {
    name,
    viaServer: route === 'WS',
    reusable: false,
    ownsConnections: true,
    transactional,
    budgetMs,
    async open(e) {
      const client = new Client(configFor(route, e));
      await client.connect();
      return { write: write(client, e.table), broken: () => 0, close: () => client.end() };
    },
  };
}

/** A Pool: connects on first use; `write` gets it. */
function poolApi(
  name: string,
  route: Route,
  transactional: boolean,
  budgetMs: number,
  write: (pool: Pool, table: string) => Write,
): Api {
  return {
    name,
    viaServer: route === 'WS',
    reusable: true,
    ownsConnections: true,
    transactional,
    budgetMs,
    async open(e) {
      const pool = new Pool({ ...configFor(route, e), max: 2 });
      return { write: write(pool, e.table), broken: () => brokenIn(pool), close: () => pool.end() };
    },
  };
}

const clientQuery =
  (client: Client, table: string): Write =>
  async (id, sleepS, arm) => {
    arm();
    await client.query(insert(table), [id, sleepS]);
  };

const poolQuery =
  (pool: Pool, table: string): Write =>
  async (id, sleepS, arm) => {
    arm();
    await pool.query(insert(table), [id, sleepS]);
  };

/** A managed transaction (Client or Pool): the INSERT, then `arm`, then COMMIT. */
const inTransaction =
  (target: Pick<Client | Pool, 'transaction'>, table: string): Write =>
  async (id, sleepS, arm) => {
    await target.transaction(async (tx) => {
      await tx.query(insert(table), [id, sleepS]);
      arm();
    }, retry);
  };

export const APIS: Api[] = [
  {
    name: 'neon() HTTP',
    viaServer: true,
    reusable: true,
    ownsConnections: false,
    transactional: false,
    budgetMs: TIMEOUT_MS,
    async open(e) {
      const sql = neon(e.serverUrl, { fetchEndpoint: () => `http://${e.server.host}:${e.server.port}/sql` });
      return {
        async write(id, sleepS, arm) {
          arm();
          await sql.query(insert(e.table), [id, sleepS], { signal: AbortSignal.timeout(TIMEOUT_MS) });
        },
        broken: () => 0,
        close: async () => {},
      };
    },
  },
  // Connect, then the query, each within the timeout.
  clientApi('Client TCP', 'TCP', false, 2 * TIMEOUT_MS, clientQuery),
  clientApi('Client WS', 'WS', false, 2 * TIMEOUT_MS, clientQuery),
  // The query timeout counts from pool.query(), connecting included.
  poolApi('Pool TCP', 'TCP', false, TIMEOUT_MS, poolQuery),
  poolApi('Pool WS', 'WS', false, TIMEOUT_MS, poolQuery),
  // Connect, BEGIN, INSERT and COMMIT each within the timeout (a Pool also re-runs within maxRetryTimeMs).
  poolApi('pool.transaction (TCP)', 'TCP', true, 5 * TIMEOUT_MS, inTransaction),
  clientApi('client.transaction (WS)', 'WS', true, 5 * TIMEOUT_MS, inTransaction),
];

/** Errors a caller can branch on: edgepg's own, the server's (SQLSTATE), or neon()'s. */
export function isTypedError(error: unknown): boolean {
  if (!(error instanceof Error) || error.message === '') return false;
  return error instanceof EdgePgError || error instanceof DatabaseError || error instanceof NeonDbError;
}

export function describeError(error: unknown): string {
  const e = error as { name?: string; code?: unknown };
  // pg-protocol's DatabaseError is named 'error', as in pg.
  const name = error instanceof DatabaseError ? 'DatabaseError' : String(e.name);
  return typeof e.code === 'string' && e.code !== '' ? `${name} ${e.code}` : name;
}

/** Ids written, by what their call reported; checked against the table at the end. */
export class Ledger {
  readonly committed: string[] = [];
  readonly failed: string[] = [];
  readonly commitUnknown: string[] = [];
  #next = 0;

  id(scenario: string, api: string, step: string): string {
    return `${scenario}|${api}|${step}|${this.#next++}`;
  }

  /** Rows missing for calls that resolved, and how many COMMIT-unknown calls committed after all. */
  async verify(
    reader: pg.ClientConfig,
    table: string,
  ): Promise<{ lost: string[]; unknownCommitted: number }> {
    const client = new pg.Client(reader);
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>(`select id from ${table}`);
      const present = new Set(rows.map((r) => r.id));
      return {
        lost: this.committed.filter((id) => !present.has(id)),
        unknownCommitted: this.commitUnknown.filter((id) => present.has(id)).length,
      };
    } finally {
      await client.end();
    }
  }
}

export async function createLedgerTable(admin: pg.ClientConfig, table: string): Promise<void> {
  const client = new pg.Client(admin);
  await client.connect();
  try {
    await client.query(`drop table if exists ${table}`);
    await client.query(`create table ${table} (id text primary key, at timestamptz not null default now())`);
  } finally {
    await client.end();
  }
}

export interface Scenario {
  name: string;
  /** Server-side duration of the call under the fault (a fault that needs it running). */
  sleepS: number;
  /** Injects a fault that hits the next message (see ApiHandle.write). */
  arm?(api: Api): void;
  /** Runs while the calls are in flight; `inFlight` is how many calls were started. */
  during?(inFlight: number): Promise<void>;
  /** Ends the fault once every call settled. */
  clear?(): Promise<void> | void;
  /** Runs once the next calls were checked and every instance closed (e.g. to check for leaks). */
  afterClose?(): Promise<void> | void;
  /** Runs last, to leave nothing behind for the next case. */
  finish?(): Promise<void> | void;
  /** Arm the fault first, and open a new instance for the call: the fault hits the connect. */
  onConnect?: boolean;
  /** The call must succeed (a fault the APIs are expected to ride out, such as latency). */
  mustSucceed?: boolean;
  /** If the call fails, its error must carry this code (e.g. the server's SQLSTATE). */
  errorCode?: string;
  /**
   * Timed-out attempts the next call may take (default 1): a stalled idle connection is only
   * found out when a call on it times out, and `fetch` may still hold one in its keep-alive pool.
   */
  nextAttempts?(api: Api): number;
  /** Slow to run (waits for timeouts): run the APIs together where that keeps its meaning. */
  slow?: boolean;
}

export interface CaseResult {
  record: FaultCaseRecord;
  /** Problems found; empty when the case passed. */
  problems: string[];
}

export function settleWithin<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ value?: T; error?: unknown; hung?: true }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ hung: true }), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ error });
      },
    );
  });
}

/**
 * Closes a handle (its errors do not matter here); whether it hung. `pool.end()` must not wait
 * for a peer that stopped answering: the Pool dropped such connections at once.
 */
async function closeHangs(handle: ApiHandle): Promise<boolean> {
  const settled = await settleWithin(
    handle.close().catch(() => {}),
    HANG_SLACK_MS,
  );
  return settled.hung === true;
}

/**
 * Runs `scenario` against `apis` at once: opens each, writes once (warm connection), puts one
 * call of each in flight under the fault, then checks the next call succeeds. With
 * `scenario.onConnect` the fault is armed first and each call opens a new instance (a Client
 * connects, a Pool opens its first connection) under it.
 */
export async function runScenario(
  suite: string,
  scenario: Scenario,
  apis: Api[],
  endpoints: Endpoints,
  ledger: Ledger,
): Promise<CaseResult[]> {
  const handles: (ApiHandle | undefined)[] = scenario.onConnect
    ? apis.map(() => undefined)
    : await Promise.all(apis.map((api) => api.open(endpoints)));
  let closing = false;
  try {
    await Promise.all(
      handles.map(async (handle, i) => {
        if (!handle) return;
        const id = ledger.id(scenario.name, apis[i].name, 'warm-up');
        await handle.write(id, 0, () => {});
        ledger.committed.push(id);
      }),
    );
    let armed = false;
    const armFor = (api: Api) => () => {
      if (armed) return;
      armed = true;
      scenario.arm?.(api);
    };
    if (scenario.onConnect) armFor(apis[0])();
    const calls = apis.map(async (api, i) => {
      const id = ledger.id(scenario.name, api.name, 'fault');
      const started = performance.now();
      const call = async () => {
        handles[i] ??= await api.open(endpoints);
        await handles[i].write(id, scenario.sleepS, armFor(api));
      };
      const settled = await settleWithin(call(), api.budgetMs + HANG_SLACK_MS);
      return { api, id, settled, elapsedMs: Math.round(performance.now() - started) };
    });
    const during = scenario.during?.(apis.length);
    const outcomes = await Promise.all(calls);
    await during;
    await scenario.clear?.();

    const results: CaseResult[] = [];
    for (const [i, { api, id, settled, elapsedMs }] of outcomes.entries()) {
      const problems: string[] = [];
      let outcome: FaultCaseRecord['outcome'] = 'ok';
      if (settled.hung) {
        problems.push(
          `${api.name}: the call under "${scenario.name}" did not settle within ${api.budgetMs + HANG_SLACK_MS} ms`,
        );
        outcome = 'error';
      } else if ('error' in settled) {
        outcome = settled.error instanceof CommitUnknownError ? 'commit-unknown' : 'error';
        (outcome === 'commit-unknown' ? ledger.commitUnknown : ledger.failed).push(id);
        if (!isTypedError(settled.error))
          problems.push(`${api.name}: untyped error ${String(settled.error)}`);
        if (scenario.mustSucceed)
          problems.push(`${api.name}: failed under "${scenario.name}": ${String(settled.error)}`);
        const code = (settled.error as { code?: unknown }).code;
        if (scenario.errorCode !== undefined && code !== scenario.errorCode)
          problems.push(
            `${api.name}: expected code ${scenario.errorCode}, got ${describeError(settled.error)}`,
          );
      } else {
        ledger.committed.push(id);
      }

      // The next call: same Pool / neon(); a new Client when the old one's connection broke.
      let handle = handles[i];
      if (handle && outcome !== 'ok' && !api.reusable) {
        // Not awaited: a lone Client's end() waits for a peer that may have stopped answering
        // (over WebSocket, for the close frame); the proxies' close ends it in the suite's afterAll.
        void handle.close().catch(() => {});
        handle = undefined;
      }
      handle ??= handles[i] = await api.open(endpoints);
      const attempts = scenario.nextAttempts?.(api) ?? 1;
      let recovered = false;
      for (let attempt = 1; !recovered; attempt++) {
        const nextId = ledger.id(scenario.name, api.name, `next-${attempt}`);
        const next = await settleWithin(
          handle.write(nextId, 0, () => {}),
          api.budgetMs + HANG_SLACK_MS,
        );
        recovered = !next.hung && !('error' in next);
        if (recovered) {
          ledger.committed.push(nextId);
          const broken = handle.broken();
          if (broken > 0) problems.push(`${api.name}: ${broken} broken connection(s) still in the pool`);
        } else if (attempt >= attempts || !(next.error instanceof TimeoutError)) {
          problems.push(
            `${api.name}: the next call after "${scenario.name}" failed (attempt ${attempt} of ${attempts}): ${next.hung ? 'hung' : String(next.error)}`,
          );
          break;
        }
      }

      results.push({
        problems,
        record: {
          type: 'fault-case',
          suite,
          scenario: scenario.name,
          api: api.name,
          outcome,
          error: 'error' in settled ? describeError(settled.error) : undefined,
          elapsedMs,
          timeoutMs: TIMEOUT_MS,
          budgetMs: api.budgetMs,
          recovered,
        },
      });
    }
    closing = true;
    const hung = await closeAll(scenario, handles);
    for (const [i, result] of results.entries()) {
      if (hung[i]) result.problems.push(`${apis[i].name}: close() did not finish within ${HANG_SLACK_MS} ms`);
    }
    return results;
  } catch (error) {
    if (!closing) await closeAll(scenario, handles).catch(() => {});
    throw error;
  }
}

/** Closes every handle, then runs the scenario's checks and clean-up; which handles hung. */
async function closeAll(scenario: Scenario, handles: (ApiHandle | undefined)[]): Promise<boolean[]> {
  try {
    const hung = await Promise.all(handles.map((handle) => handle !== undefined && closeHangs(handle)));
    await scenario.afterClose?.();
    return hung;
  } finally {
    await scenario.finish?.();
  }
}

/** Polls pg_stat_activity until `count` calls sleep on the ledger (or 10 s passed); their pids. */
export async function sleepingBackends(
  admin: pg.ClientConfig,
  table: string,
  count: number,
): Promise<number[]> {
  const client = new pg.Client(admin);
  client.on('error', () => {});
  await client.connect();
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await client.query<{ pid: number }>(
        `select pid from pg_stat_activity
         where state = 'active' and pid <> pg_backend_pid() and query like $1`,
        [`insert into ${table} %pg_sleep%`],
      );
      if (rows.length >= count || Date.now() > deadline) return rows.map((r) => r.pid);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** Ends these backends with pg_terminate_backend (the client sees FATAL 57P01). */
export async function terminateBackends(admin: pg.ClientConfig, pids: number[]): Promise<void> {
  const client = new pg.Client(admin);
  await client.connect();
  try {
    await client.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [pids]);
  } finally {
    await client.end();
  }
}
