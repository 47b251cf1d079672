/**
 * `NeonQueryPromise`: a lazy thenable. Creating one (`` sql`…` ``, `sql.query(…)`) sends nothing;
 * each `then`/`catch`/`finally` call runs the query (so awaiting the same object twice sends two
 * requests, as in Neon). That laziness is what lets `transaction([...])` collect queries and
 * lets templates nest inside each other without running.
 *
 * It is not a `Promise` at runtime (`instanceof Promise` is false) but is typed as one, as Neon's is.
 */
import type { SqlTemplate } from './sql-template.js';
import type { HTTPQueryOptions, ParameterizedQuery } from './types.js';

/** What a query promise runs: its query data (or a batch of them) and options. */
export type NeonQueryExecutor<ArrayMode extends boolean, FullResults extends boolean, T> = (
  queryData: SqlTemplate | ParameterizedQuery | (SqlTemplate | ParameterizedQuery)[],
  opts?: HTTPQueryOptions<ArrayMode, FullResults> | HTTPQueryOptions<ArrayMode, FullResults>[],
) => Promise<T>;

// biome-ignore lint/suspicious/noExplicitAny: mirrors Neon's `T = any` default
export class NeonQueryPromise<ArrayMode extends boolean, FullResults extends boolean, T = any>
  implements Promise<T>
{
  // Type-only, as Neon's `interface NeonQueryPromise extends Promise<T>`: there is no such property.
  declare readonly [Symbol.toStringTag]: string;
  execute: NeonQueryExecutor<ArrayMode, FullResults, T>;
  queryData: SqlTemplate | ParameterizedQuery;
  opts?: HTTPQueryOptions<ArrayMode, FullResults>;

  constructor(
    execute: NeonQueryExecutor<ArrayMode, FullResults, T>,
    queryData: SqlTemplate | ParameterizedQuery,
    opts?: HTTPQueryOptions<ArrayMode, FullResults>,
  ) {
    this.execute = execute;
    this.queryData = queryData;
    this.opts = opts;
  }

  // biome-ignore lint/suspicious/noThenProperty: a lazy thenable is the point of this class
  then<TResult1 = T, TResult2 = never>(
    onfulfilled?: ((value: T) => TResult1 | PromiseLike<TResult1>) | null,
    // biome-ignore lint/suspicious/noExplicitAny: the Promise contract types rejection reasons as any
    onrejected?: ((reason: any) => TResult2 | PromiseLike<TResult2>) | null,
  ): Promise<TResult1 | TResult2> {
    return this.execute(this.queryData, this.opts).then(onfulfilled, onrejected);
  }

  catch<TResult = never>(
    // biome-ignore lint/suspicious/noExplicitAny: the Promise contract types rejection reasons as any
    onrejected?: ((reason: any) => TResult | PromiseLike<TResult>) | null,
  ): Promise<T | TResult> {
    return this.execute(this.queryData, this.opts).catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.execute(this.queryData, this.opts).finally(onfinally);
  }
}
