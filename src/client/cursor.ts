/**
 * `client.cursor(text, values, { fetchSize })`: a query's rows read in batches of `fetchSize`
 * through a portal (see wire/portal.ts), as an async iterable of rows, batch by batch
 * (`nextBatch()`), or as a Web `ReadableStream` (`stream()`).
 *
 * Back-pressure: the next batch is requested only when the consumer has taken every row of the
 * current one, so memory holds one batch whatever the result's size. Leaving early (`break`,
 * a throw in the loop body, `close()`, cancelling the stream) closes the portal and syncs; the
 * connection then runs the queries queued behind the cursor.
 */
import { UsageError } from '../core/errors.js';
import type { FieldDef, QueryResultRow } from '../core/result.js';
import type { CustomTypesConfig } from '../core/types.js';
import type { Operation } from '../wire/operation.js';
import { PortalOperation } from '../wire/portal.js';

export interface CursorOptions {
  /** Rows per batch (one Execute round trip each). Default 100. */
  fetchSize?: number;
  /** `'array'`: rows as arrays of values, in column order. */
  rowMode?: 'array';
  /** Type parsers for this cursor only. */
  types?: CustomTypesConfig;
}

export const DEFAULT_FETCH_SIZE = 100;
/** Execute's row limit is an int32; 0 would mean "all rows" and defeat the cursor. */
const MAX_FETCH_SIZE = 2 ** 31 - 1;

function checkFetchSize(fetchSize: unknown): number {
  if (fetchSize === undefined) return DEFAULT_FETCH_SIZE;
  if (
    typeof fetchSize !== 'number' ||
    !Number.isInteger(fetchSize) ||
    fetchSize < 1 ||
    fetchSize > MAX_FETCH_SIZE
  ) {
    throw new UsageError(
      `fetchSize must be an integer from 1 to ${MAX_FETCH_SIZE}, got ${String(fetchSize)}`,
    );
  }
  return fetchSize;
}

/**
 * `types` is first used on the first row, while the connection reads the stream: a bad one found
 * there would fail the whole connection, not just this cursor. So it is checked here.
 */
function checkTypes(types: unknown): void {
  // null means unset, as `types ?? clientTypes` reads it.
  if (types === undefined || types === null) return;
  if (typeof (types as { getTypeParser?: unknown }).getTypeParser !== 'function') {
    throw new UsageError('cursor() option types must have a getTypeParser function');
  }
}

// biome-ignore lint/suspicious/noExplicitAny: rows hold whatever the type parsers return, as in @types/pg
export class QueryCursor<R extends QueryResultRow | unknown[] = any> implements AsyncIterable<R> {
  private readonly operation: PortalOperation | undefined;
  private batch: R[] = [];
  private index = 0;
  /** The portal is exhausted: the current batch is the last one. */
  private last = false;
  private finished = false;
  private closedByUser = false;
  private failure: Error | undefined;
  private changed: { promise: Promise<void>; resolve(): void } | undefined;
  private readonly whenFinished: Promise<void>;
  private markFinished!: () => void;

  /** @internal Use `client.cursor()`. */
  constructor(
    text: string,
    values: readonly unknown[] | undefined,
    options: CursorOptions | undefined,
    clientTypes: CustomTypesConfig,
    submit: (operation: Operation) => void,
  ) {
    if (typeof text !== 'string') throw new UsageError('cursor() needs the query text as a string');
    if (values !== undefined && !Array.isArray(values)) throw new UsageError('Query values must be an array');
    const fetchSize = checkFetchSize(options?.fetchSize);
    checkTypes(options?.types);
    this.whenFinished = new Promise((resolve) => {
      this.markFinished = resolve;
    });
    try {
      this.operation = new PortalOperation(
        { text, values, fetchSize, rowMode: options?.rowMode, types: options?.types },
        clientTypes,
        {
          batch: (rows, last) => {
            this.batch = rows as R[];
            this.index = 0;
            this.last = last;
            this.notify();
          },
          finished: (error) => this.onFinished(error),
        },
      );
    } catch (error) {
      // A parameter that cannot be serialised: the cursor fails without touching the connection.
      this.onFinished(error as Error);
      return;
    }
    submit(this.operation);
  }

  /** Column descriptions (empty until the first batch arrives). */
  get fields(): FieldDef[] {
    return this.operation?.fields ?? [];
  }

  /** Rows the statement produced in total, once it has completed (null before). */
  get rowCount(): number | null {
    return this.operation?.result.rowCount ?? null;
  }

  private onFinished(error: Error | undefined): void {
    this.finished = true;
    if (error && !this.closedByUser) this.failure ??= error;
    this.markFinished();
    this.notify();
  }

  private notify(): void {
    const changed = this.changed;
    this.changed = undefined;
    changed?.resolve();
  }

  /** Resolves at the next batch or the end; shared by concurrent readers. */
  private nextChange(): Promise<void> {
    if (!this.changed) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.changed = { promise, resolve };
    }
    return this.changed.promise;
  }

  /**
   * Waits until the current batch has a row left; false once there are no more rows. Another
   * reader may take the row before the caller resumes: callers check again.
   */
  private async fill(): Promise<boolean> {
    while (this.index >= this.batch.length) {
      if (this.failure) throw this.failure;
      if (this.finished) return false;
      if (this.last) {
        // Wait for ReadyForQuery so the connection is free (and any late error seen) at the end.
        await this.whenFinished;
        continue;
      }
      this.operation?.requestMore();
      await this.nextChange();
    }
    return true;
  }

  /** The rest of the current batch, fetching the next one if needed; `[]` at the end. */
  async nextBatch(): Promise<R[]> {
    while (await this.fill()) {
      if (this.index >= this.batch.length) continue;
      const rows = this.index === 0 ? this.batch : this.batch.slice(this.index);
      this.batch = [];
      this.index = 0;
      return rows;
    }
    return [];
  }

  private async nextRow(): Promise<IteratorResult<R>> {
    while (await this.fill()) {
      if (this.index < this.batch.length) return { value: this.batch[this.index++], done: false };
    }
    return { value: undefined, done: true };
  }

  /** Stops reading: closes the portal and waits until the connection is free again. */
  async close(): Promise<void> {
    if (!this.finished) {
      this.closedByUser = true;
      this.operation?.close();
    }
    this.batch = [];
    this.index = 0;
    await this.whenFinished;
  }

  [Symbol.asyncIterator](): AsyncIterator<R> {
    return {
      next: (): Promise<IteratorResult<R>> =>
        this.index < this.batch.length
          ? Promise.resolve({ value: this.batch[this.index++], done: false })
          : this.nextRow(),
      // `break` or a throw in a for-await loop.
      return: async (): Promise<IteratorResult<R>> => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }

  /** The rows as a Web ReadableStream; a batch is fetched only when the reader wants more. */
  stream(): ReadableStream<R> {
    return new ReadableStream<R>(
      {
        pull: async (controller) => {
          const rows = await this.nextBatch();
          if (rows.length === 0) controller.close();
          else for (const row of rows) controller.enqueue(row);
        },
        cancel: () => this.close(),
      },
      { highWaterMark: 0 },
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
