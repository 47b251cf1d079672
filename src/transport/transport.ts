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
