/**
 * Attaches `begin`, `verifyConnectivity`, `getServerInfo` and `executeQuery` to a `neon()`
 * function. The health checks are HTTP requests, loaded with `import()` at their first call.
 *
 * `begin` needs the wire engine, the WebSocket transport and `Client`, which the HTTP-only entry
 * `edgepg/http` promises to leave out. A lazy `import()` does not keep that promise: bundlers that
 * do not split code (wrangler, a plain esbuild bundle) inline the target. So here `begin` only
 * rejects with a message naming the entry that has it; `edgepg`'s own `neon` (./neon-session.ts)
 * replaces it with the real one, using the context kept below.
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

/** What the lazily loaded modules need from one `neon()` instance. */
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

const beginNeedsFullEntry = (): Promise<never> =>
  Promise.reject(new UsageError("sql.begin() is not in 'edgepg/http': import { neon } from 'edgepg'"));

export function attachSessionMethods(sql: NeonQueryFunction<boolean, boolean>, context: NeonContext): void {
  contexts.set(sql, context);
  sql.begin = beginNeedsFullEntry as typeof sql.begin;
  const health = () => import('./health.js');
  sql.verifyConnectivity = (options) => health().then((m) => m.verifyConnectivity(context, options));
  sql.getServerInfo = (options) => health().then((m) => m.getServerInfo(context, options));
  sql.executeQuery = ((text, params, options) =>
    health().then((m) => m.executeQuery(context, text, params, options))) as typeof sql.executeQuery;
}
