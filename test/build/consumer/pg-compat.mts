// edgepg's values and types assigned to @types/pg 8.23's (compiled by test/build/dist.test.ts with
// skipLibCheck off): what a library typed against @types/pg accepts, edgepg's objects satisfy.

import type { EventEmitter as NodeEventEmitter } from 'node:events';
import { Client, type FieldDef, Pool, type PoolClient, type QueryResult, Result } from 'edgepg';
import type * as pg from 'pg';

/** Exactly `true` when A and B are the same type (a failed check is a compile error below). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * Members @types/pg's Client declares that edgepg's lacks, each for a reason:
 * - `pauseDrain`, `resumeDrain`: declared by @types/pg but absent from pg's own JavaScript
 *   Client too (pg-native's old API; edgepg's `copyFrom`/`copyTo` are its own COPY streams);
 * - `connection`: pg's socket-level Connection; edgepg's engine has none (Submittables get one);
 * - `pipeline`: pg 8.23's opt-in pipeline-mode flag; edgepg always pipelines;
 * - Node's optional `[captureRejectionSymbol]` hook: the runtime-neutral emitter has no
 *   `captureRejections` mode.
 * Because `on()`/`once()` return `this`, these make the whole class not assignable to @types/pg's
 * `Client`; everything else is checked member by member.
 */
type CaptureRejection = typeof NodeEventEmitter.captureRejectionSymbol;
type NotInEdgepg = 'pauseDrain' | 'resumeDrain' | 'connection' | 'pipeline' | CaptureRejection;
export const clientMembers: Equal<Exclude<keyof pg.Client, keyof Client>, NotInEdgepg> = true;
export const poolMembers: Equal<Exclude<keyof pg.Pool, keyof Pool>, CaptureRejection> = true;
export const poolClientMembers: Equal<Exclude<keyof pg.PoolClient, keyof PoolClient>, NotInEdgepg> = true;

const client = new Client();
export const clientEnd: pg.Client['end'] = client.end.bind(client);
export const clientFields: Pick<pg.Client, 'user' | 'database' | 'port' | 'host'> = client;
export const clientHelpers: Pick<
  pg.ClientBase,
  'escapeIdentifier' | 'escapeLiteral' | 'getTransactionStatus' | 'setTypeParser' | 'getTypeParser'
> = client;
const pool = new Pool();
export const poolEnd: pg.Pool['end'] = pool.end.bind(pool);
export const poolCounts: Pick<
  pg.Pool,
  'totalCount' | 'idleCount' | 'waitingCount' | 'expiredCount' | 'ending' | 'ended'
> = pool;
export async function release(): Promise<pg.PoolClient['release']> {
  const pooled = await pool.connect();
  return pooled.release.bind(pooled);
}

export const result: pg.QueryResult<{ id: number }> = new Result<{ id: number }>();
export const resultType: pg.QueryResult = {} as QueryResult;
export const field: pg.FieldDef = {} as FieldDef;
export const rows: Promise<pg.QueryResult<{ n: number }>> = client.query<{ n: number }>('SELECT 1 AS n');
