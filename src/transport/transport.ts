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

export interface Transport {
  write(data: Uint8Array): void;
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
