/**
 * The contract between the wire engine's driver and a byte transport (TCP, TLS, WebSocket).
 * Deliberately tiny and structural — never a fake `net.Socket`.
 */
export interface TransportHandlers {
  /** Bytes from the server, in order. */
  data(chunk: Uint8Array): void;
  /** The transport is gone; `error` when it failed rather than closed cleanly. */
  close(error?: Error): void;
}

/**
 * Bytes a transport may hold unsent before `drained()` makes writers wait: large enough that a
 * bulk writer (COPY FROM) rarely waits, small enough that piping a huge file costs ~1 MiB.
 */
export const WRITE_BUFFER_BYTES = 1024 * 1024;

export interface Transport {
  write(data: Uint8Array): void;
  /**
   * Resolves once the bytes written so far and not yet handed to the network are at most
   * `WRITE_BUFFER_BYTES` (at once when they already are, or when the transport is closed: its
   * close is reported through `TransportHandlers.close`). Writers that await it stay bounded.
   */
  drained(): Promise<void>;
  /**
   * Stops delivering received bytes until `resume()`: the unread bytes stay in the socket, so
   * the server blocks once the network buffers are full. A chunk already on its way may still
   * arrive. A no-op where the runtime cannot pause (the WHATWG WebSocket has no such call).
   */
  pause(): void;
  resume(): void;
  /** Graceful close once written data is flushed. */
  end(): void;
  /** Immediate close. */
  destroy(error?: Error): void;
  ref?(): void;
  unref?(): void;
}

export interface TcpTarget {
  host: string;
  port: number;
  ssl: boolean | Record<string, unknown>;
  keepAlive?: boolean;
  keepAliveInitialDelayMillis?: number;
}

/**
 * What a transport still opening listens to, to give up (the connect timed out): the part of
 * `AbortSignal` it uses, so an `AbortSignal` fits, and so does `OpenAttempt` below.
 */
export interface OpenSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** An `OpenSignal` the caller can fire; no `AbortController`, which some runtimes lack. */
export class OpenAttempt implements OpenSignal {
  aborted = false;
  reason: unknown;
  #listeners: (() => void)[] = [];

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    for (const listener of this.#listeners.splice(0)) listener();
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) this.#listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const index = this.#listeners.indexOf(listener);
    if (index >= 0) this.#listeners.splice(index, 1);
  }
}

/**
 * `pending` (a transport being opened), rejected with the signal's reason as soon as `signal`
 * aborts; `cancel` then closes whatever the opening holds, so an abandoned connect leaves no
 * socket behind (a handshake that never ends would otherwise keep it open for good).
 */
export function unlessAborted<T>(
  signal: OpenSignal | undefined,
  pending: Promise<T>,
  cancel: () => void,
): Promise<T> {
  if (!signal) return pending;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      cancel();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
