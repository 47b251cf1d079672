/**
 * Attaches `begin`, `verifyConnectivity`, `getServerInfo` and `executeQuery` to a `neon()`
 * function. Each loads its module with `import()` at its first call, so the `edgepg/http` entry
 * stays HTTP-only and small: `begin` needs the wire engine, the WebSocket transport and `Client`,
 * which a bundler then puts in a chunk of their own (loaded only by apps that call it).
 */
import type { ResolvedConnection } from './connection.js';
import type { BeginCallback, BeginOptions } from './session-types.js';
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

export function attachSessionMethods(sql: NeonQueryFunction<boolean, boolean>, context: NeonContext): void {
  sql.begin = ((fn: BeginCallback<unknown, boolean, boolean>, opts?: BeginOptions<boolean, boolean>) =>
    import('./begin.js').then((m) => m.begin(context, fn, opts))) as typeof sql.begin;
  sql.verifyConnectivity = (options) =>
    import('./health.js').then((m) => m.verifyConnectivity(context, options));
  sql.getServerInfo = (options) => import('./health.js').then((m) => m.getServerInfo(context, options));
  sql.executeQuery = ((text, params, options) =>
    import('./health.js').then((m) =>
      m.executeQuery(context, text, params, options),
    )) as typeof sql.executeQuery;
}
