/**
 * The session methods of a `neon()` function — `begin`, `verifyConnectivity`, `getServerInfo`
 * and `executeQuery` — as they are in `edgepg/http`: each rejects with a message naming the
 * entry that has it. `edgepg`'s own `neon` (./neon-session.ts) replaces them with the real ones,
 * using the context kept below.
 *
 * Why not there: `begin` needs the wire engine, the WebSocket transport and `Client`, which the
 * HTTP-only entry promises to leave out, and the health checks are bytes most HTTP users never
 * call. A lazy `import()` would not keep them out: bundlers that do not split code (wrangler, a
 * plain esbuild bundle) inline the target.
 */
import { UsageError } from '../core/errors.js';
import type { ResolvedConnection } from './connection.js';
import type { SqlTemplate } from './sql-template.js';
import type {
  HTTPQueryOptions,
  HTTPTransactionOptions,
  NeonQueryFunction,
  ParameterizedQuery,
} from './types.js';

type QueryData = SqlTemplate | ParameterizedQuery;

/** What the session methods need from one `neon()` instance. */
export interface NeonContext {
  /** `neon()`'s options, as copied when it was called. */
  readonly instance: HTTPTransactionOptions<boolean, boolean>;
  /** The connection, with a transaction level's connection parameters over the instance's. */
  connection(level: HTTPTransactionOptions<boolean, boolean> | undefined): Promise<ResolvedConnection>;
  /** Runs one query (or a batch) over HTTP, exactly as `sql` does. */
  execute(
    queryData: QueryData | QueryData[],
    queryOpts?: HTTPQueryOptions<boolean, boolean> | HTTPQueryOptions<boolean, boolean>[],
    transactionOpts?: HTTPTransactionOptions<boolean, boolean>,
  ): Promise<unknown>;
}

const contexts = new WeakMap<object, NeonContext>();

/** The context of a function just made by `neon()` (./neon-session.ts asks for nothing else). */
export function contextOf(sql: NeonQueryFunction<boolean, boolean>): NeonContext {
  return contexts.get(sql)!;
}

export const sessionMethods = ['begin', 'verifyConnectivity', 'getServerInfo', 'executeQuery'] as const;

export function attachSessionMethods(sql: NeonQueryFunction<boolean, boolean>, context: NeonContext): void {
  contexts.set(sql, context);
  for (const name of sessionMethods) {
    (sql as unknown as Record<string, unknown>)[name] = () =>
      Promise.reject(new UsageError(`sql.${name}() is not in 'edgepg/http': import { neon } from 'edgepg'`));
  }
}
