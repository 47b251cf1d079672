/**
 * `client.copyFrom(sql)` and `client.copyTo(sql)`: COPY as Web streams (see wire/copy.ts for
 * the protocol), each with a `done` promise for the row count, and `toNodeWritable()` /
 * `toNodeReadable()` for Node stream code (`pipeline`, `fs` streams).
 *
 * - `CopyFromStream` is a `WritableStream<Uint8Array | string>`: write the data, `close()` to
 *   finish (resolves once the server has committed the COPY), `abort(reason)` sends CopyFail.
 * - `CopyToStream` is a `ReadableStream<Uint8Array>` and async-iterable. Cancelling it (or
 *   `break` in a for-await loop) lets the COPY run to its end on the server with the rest of the
 *   data dropped; cancel resolves when the connection is free again.
 *
 * Back-pressure, both ways: `copyFrom`'s write() resolves once the transport holds at most
 * WRITE_BUFFER_BYTES unsent, so piping a large file keeps a bounded amount in memory; `copyTo`
 * stops reading from the socket while its queue holds COPY_TO_BUFFER_BYTES unread, so the
 * server waits (ClientWrite) for a slow reader. Node streams come from `node:stream` through
 * `process.getBuiltinModule` (Node ≥ 20.16), so nothing Node-specific is imported on edge
 * runtimes.
 */
import type { Readable, Writable } from 'node:stream';
import { UsageError } from '../core/errors.js';
import { CopyInOperation, CopyOutOperation } from '../wire/copy.js';
import type { Operation } from '../wire/operation.js';

export type CopyChunk = Uint8Array | string;

type Submit = (operation: Operation) => void;

const encoder = new TextEncoder();

function checkSql(sql: unknown, method: string): string {
  if (typeof sql !== 'string' || sql.trim() === '') {
    throw new UsageError(`${method}() needs a COPY statement as a non-empty string`);
  }
  return sql;
}

/** A promise settled from outside, pre-marked as handled so an unobserved failure is no crash. */
function settleable<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

function nodeStreams(): typeof import('node:stream') {
  const processLike = (globalThis as { process?: { getBuiltinModule?(name: string): unknown } }).process;
  const mod = processLike?.getBuiltinModule?.('node:stream') as typeof import('node:stream') | undefined;
  if (!mod) {
    throw new UsageError(
      'Node streams need process.getBuiltinModule (Node 20.16 or later); use the Web stream, or Readable.fromWeb / Writable.fromWeb',
    );
  }
  return mod;
}

/** `client.copyFrom()`: a Web WritableStream with the COPY's outcome. */
export type CopyFromStream = WritableStream<CopyChunk> & {
  /** The number of rows copied, once the COPY has completed; rejects with its error. */
  readonly done: Promise<number | null>;
  /** A Node `Writable` over this stream (strings and Buffers; `'finish'` once committed). */
  toNodeWritable(): Writable;
};

/**
 * Plain Web streams with properties added, not subclasses: a class extending `WritableStream`
 * would be evaluated on import, and break importing edgepg where streams are missing.
 */
export function createCopyFrom(sql: string, submit: Submit): CopyFromStream {
  checkSql(sql, 'copyFrom');
  const copying = settleable<void>();
  const finished = settleable<number | null>();
  let failure: Error | undefined;
  const operation = new CopyInOperation(sql, {
    copying: () => copying.resolve(),
    finished: (error, rowCount) => {
      failure = error;
      if (error) {
        copying.reject(error);
        finished.reject(error);
      } else finished.resolve(rowCount);
    },
  });
  const stream = new WritableStream<CopyChunk>({
    start: () => copying.promise,
    write: (chunk) => {
      if (failure) throw failure;
      let bytes: Uint8Array;
      if (typeof chunk === 'string') bytes = encoder.encode(chunk);
      else if (chunk instanceof Uint8Array) bytes = chunk;
      else {
        // A failed write errors the stream without calling abort(): end the COPY here.
        const error = new UsageError('copyFrom() accepts Uint8Array (Buffer) or string chunks');
        operation.fail(error.message);
        throw error;
      }
      if (bytes.byteLength === 0) return;
      operation.send(bytes);
      return operation.writable();
    },
    close: async () => {
      operation.end();
      await finished.promise;
    },
    abort: async (reason: unknown) => {
      operation.fail(abortMessage(reason));
      // The server answers CopyFail with an error: that is the abort succeeding.
      await finished.promise.catch(() => {});
    },
  });
  const copy = Object.assign(stream, {
    done: finished.promise,
    toNodeWritable: (): Writable => nodeStreams().Writable.fromWeb(stream, { decodeStrings: false }),
  });
  submit(operation);
  return copy;
}

function abortMessage(reason: unknown): string {
  if (reason instanceof Error) return reason.message || 'copyFrom() was aborted';
  if (typeof reason === 'string' && reason !== '') return reason;
  return 'copyFrom() was aborted';
}

/** `client.copyTo()`: a Web ReadableStream of the data, async-iterable, with the COPY's outcome. */
export type CopyToStream = ReadableStream<Uint8Array> &
  AsyncIterable<Uint8Array> & {
    /** The number of rows copied, once the COPY has completed; rejects with its error. */
    readonly done: Promise<number | null>;
    /** COPY data bytes received from the server so far (read or still queued). */
    readonly bytesReceived: number;
    /** A Node `Readable` of Buffers over this stream. */
    toNodeReadable(): Readable;
  };

/**
 * Unread `copyTo` data held before the socket is paused: a few of the 64 KiB chunks the COPY
 * hands on, so a reader that keeps up never stalls the server.
 */
export const COPY_TO_BUFFER_BYTES = 1024 * 1024;

/**
 * Sends a CancelRequest for the running statement; undefined where cancelling would do harm
 * (inside a transaction block, which it would abort) or is impossible.
 */
export type RequestCancel = () => Promise<void> | undefined;

/**
 * How long queries queued behind a cancelled COPY wait for its CancelRequest to be delivered: a
 * side connection that never closes must not stall the client for good.
 */
const CANCEL_HOLD_MS = 10_000;

/** `sent`, settled at the latest after CANCEL_HOLD_MS (errors are the caller's to ignore). */
function boundedWait(sent: Promise<void> | undefined): Promise<void> | undefined {
  if (!sent) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CANCEL_HOLD_MS);
  });
  return Promise.race([sent, deadline]).finally(() => clearTimeout(timer));
}

export function createCopyTo(sql: string, submit: Submit, requestCancel?: RequestCancel): CopyToStream {
  checkSql(sql, 'copyTo');
  const finished = settleable<number | null>();
  let cancelled = false;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
  const operation = new CopyOutOperation(sql, {
    data: (chunk) => {
      if (cancelled || !controllerRef) return;
      controllerRef.enqueue(chunk);
      // The queue is full: stop reading until the consumer pulls (below).
      if ((controllerRef.desiredSize ?? 1) <= 0) operation.pauseReading();
    },
    finished: (error, rowCount) => {
      if (error) finished.reject(error);
      else finished.resolve(rowCount);
      if (cancelled) return;
      if (error) controllerRef?.error(error);
      else controllerRef?.close();
    },
  });
  const stream = new ReadableStream<Uint8Array>(
    {
      start: (controller) => {
        controllerRef = controller;
      },
      pull: () => operation.resumeReading(),
      cancel: async () => {
        cancelled = true;
        operation.resumeReading();
        if (requestCancel) operation.cancelOnServer(() => boundedWait(requestCancel()));
        await finished.promise.catch(() => {});
      },
    },
    { highWaterMark: COPY_TO_BUFFER_BYTES, size: (chunk) => chunk.byteLength },
  );
  if (!(Symbol.asyncIterator in stream)) {
    // Not every runtime's ReadableStream is async-iterable yet.
    Object.defineProperty(stream, Symbol.asyncIterator, { value: () => iterate(stream) });
  }
  const copy = Object.assign(stream, {
    done: finished.promise,
    toNodeReadable: (): Readable => nodeStreams().Readable.fromWeb(stream as never),
  });
  Object.defineProperty(copy, 'bytesReceived', { get: () => operation.receivedBytes, enumerable: true });
  submit(operation);
  return copy as CopyToStream;
}

/** for-await over a reader; leaving the loop early cancels the stream. */
function iterate(stream: ReadableStream<Uint8Array>): AsyncIterator<Uint8Array> {
  const reader = stream.getReader();
  return {
    next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
    return: async () => {
      await reader.cancel();
      reader.releaseLock();
      return { value: undefined, done: true };
    },
  };
}
