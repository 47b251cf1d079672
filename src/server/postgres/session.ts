/**
 * One client session of the Postgres-protocol endpoints (WebSocket, or raw TCP on the same
 * port): we end the client's startup ourselves with a cleartext password request, authenticate
 * to the upstream with whatever it asks for, forward its ParameterStatus / BackendKeyData /
 * ReadyForQuery, and from then on copy bytes both ways (neon-ws-protocol.md §5).
 *
 * BackendKeyData is forwarded unchanged, so a client's CancelRequest, which reaches us on a new
 * connection, is simply passed on to the upstream. Closing either side closes the other at once
 * (neon-ws-protocol.md §2: a client's `end()` must not wait for a close-handshake timeout).
 */
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';
import { connectUpstream, sendCancel, type UpstreamTarget } from '../upstream.js';
import { FrontendStartup } from './frontend-startup.js';
import { AUTHENTICATION_CLEARTEXT_PASSWORD, errorResponse } from './messages.js';
import { UpstreamHandshake, type UpstreamStartupError } from './upstream-handshake.js';

/** The client side of a session, whatever carries its bytes. */
export interface ClientConnection {
  /** For log lines: `ws 127.0.0.1:50312` or `tcp 127.0.0.1:50313`. */
  readonly label: string;
  /** Sends bytes; false when the client's buffer is full (`PostgresSession.clientDrained` follows). */
  write(bytes: Uint8Array): boolean;
  /** Sends what is queued, then closes. */
  end(): void;
  /** Closes at once. */
  destroy(): void;
  pause(): void;
  resume(): void;
}

export interface SessionOptions {
  upstream: UpstreamTarget;
  log: Logger;
  scramMaxIterations?: number;
  /** Client bytes buffered while the upstream authenticates; beyond this the client is paused. */
  maxPendingBytes?: number;
  /** Refuse the session with this FATAL error instead of serving it (access checks). */
  refusal?: { code: string; message: string };
}

type State = 'startup' | 'authenticating' | 'piping' | 'closed';

const DEFAULT_MAX_PENDING_BYTES = 16 * 1024 * 1024;
/** As Postgres' authentication_timeout: a session must be through startup by then. */
const STARTUP_TIMEOUT_MS = 60_000;

export class PostgresSession {
  private state: State = 'startup';
  private readonly frontend: FrontendStartup;
  private handshake: UpstreamHandshake | undefined;
  private socket: Socket | undefined;
  private user = '';
  private database = '';
  private clientPaused = false;
  /**
   * The upstream's startup messages (AuthenticationOk, ParameterStatus, BackendKeyData,
   * ReadyForQuery), held until the client's password is in: a trusting upstream is ready before
   * the client has answered our password request, and a client shown ReadyForQuery then would
   * send queries where its password belongs.
   */
  private held: Buffer[] = [];
  /** The upstream's post-authentication messages, held likewise. */
  private readyRest: Buffer[] | undefined;
  private closeListener: (() => void) | undefined;
  private readonly startupTimer: ReturnType<typeof setTimeout>;

  constructor(
    private readonly client: ClientConnection,
    private readonly options: SessionOptions,
  ) {
    this.frontend = new FrontendStartup({
      reply: (bytes) => this.client.write(bytes),
      cancel: (packet) => this.forwardCancel(packet),
      startup: (version, parameters) => this.onStartup(version, parameters),
      password: (password) => {
        this.releaseHeld();
        this.handshake?.setPassword(password);
        // An upstream that needed no password may have been ready before the client answered.
        const rest = this.readyRest;
        if (rest) {
          this.readyRest = undefined;
          this.onUpstreamReady(rest);
        }
      },
      terminate: () => this.close(),
      protocolError: (code, message) => this.refuse(code, message),
    });
    this.startupTimer = setTimeout(
      () => this.refuse('08006', 'canceling authentication due to timeout'),
      STARTUP_TIMEOUT_MS,
    );
    this.startupTimer.unref();
    if (options.refusal) options.log.warn(`${client.label}: refused: ${options.refusal.message}`);
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Registers the one listener told when the session is over (the server's bookkeeping). */
  onClose(listener: () => void): void {
    this.closeListener = listener;
  }

  /** Bytes from the client. */
  clientData(chunk: Uint8Array): void {
    if (this.state === 'piping') {
      this.toUpstream(chunk);
      return;
    }
    if (this.state === 'closed') return;
    if (this.options.refusal) {
      // Answered once the client has spoken, as Postgres answers a startup packet: a client
      // that starts reading only after it has written would miss an earlier message.
      this.refuse(this.options.refusal.code, this.options.refusal.message);
      return;
    }
    this.frontend.feed(chunk);
    if (
      this.frontend.done &&
      this.frontend.pendingBytes > (this.options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES)
    ) {
      this.pauseClient();
    }
  }

  /** The client can take more bytes again. */
  clientDrained(): void {
    if (this.state === 'piping') this.socket?.resume();
  }

  /** The client went away. */
  clientClosed(): void {
    if (this.state === 'closed') return;
    this.options.log.debug(`${this.client.label}: client closed`);
    this.finish();
    // Let Postgres see a clean EOF after whatever was already written.
    this.socket?.end();
  }

  /** Ends the session from the server side (shutdown). */
  close(): void {
    if (this.state === 'closed') return;
    this.finish();
    this.socket?.destroy();
    this.client.end();
  }

  private finish(): void {
    clearTimeout(this.startupTimer);
    this.state = 'closed';
    this.closeListener?.();
  }

  private refuse(code: string, message: string): void {
    if (this.state === 'closed') return;
    this.client.write(errorResponse({ severity: 'FATAL', code, message }));
    this.close();
  }

  private forwardCancel(packet: Buffer): void {
    this.options.log.debug(`${this.client.label}: CancelRequest forwarded to the upstream`);
    // The client expects no answer, only the connection closing.
    this.close();
    sendCancel(this.options.upstream, packet).then((error) => {
      if (error) this.options.log.warn(`could not forward a CancelRequest: ${error.message}`);
    });
  }

  private onStartup(version: number, parameters: Record<string, string>): void {
    this.user = parameters.user;
    this.database = parameters.database ?? parameters.user;
    this.state = 'authenticating';
    this.client.write(AUTHENTICATION_CLEARTEXT_PASSWORD);
    const handshake = new UpstreamHandshake(
      { version, parameters, scramMaxIterations: this.options.scramMaxIterations },
      {
        send: (bytes) => this.socket?.write(bytes),
        forward: (bytes) => {
          if (this.frontend.done) this.client.write(bytes);
          else this.held.push(bytes);
        },
        ready: (rest) => this.onUpstreamReady(rest),
        fail: (error, forwarded) => this.onUpstreamFailed(error, forwarded),
      },
    );
    this.handshake = handshake;
    // Connect while the client's password is still on its way (it usually came along already).
    connectUpstream(this.options.upstream).then(
      (socket) => {
        if (this.state === 'closed') {
          socket.destroy();
          return;
        }
        this.socket = socket;
        socket.on('data', (chunk: Buffer) => {
          if (this.state === 'piping') this.toClient(chunk);
          else handshake.feed(chunk);
        });
        socket.on('error', () => {}); // 'close' follows and ends the session
        socket.on('close', () => this.upstreamClosed());
        handshake.start();
      },
      (error: Error) => {
        this.options.log.warn(`${this.client.label}: ${error.message}`);
        this.refuse('08006', error.message);
      },
    );
  }

  private onUpstreamReady(rest: Buffer[]): void {
    if (this.state === 'closed') return;
    if (!this.frontend.done) {
      // A trusting upstream can be ready before the client's password arrives; piping now
      // would forward that password to Postgres as if it were a query. Wait for it.
      this.readyRest = rest;
      return;
    }
    this.state = 'piping';
    clearTimeout(this.startupTimer);
    this.options.log.debug(`${this.client.label}: user=${this.user} database=${this.database} connected`);
    for (const chunk of rest) this.toClient(chunk);
    for (const chunk of this.frontend.takePipelined()) this.toUpstream(chunk);
    if (this.clientPaused) {
      this.clientPaused = false;
      this.client.resume();
    }
  }

  private onUpstreamFailed(error: UpstreamStartupError, forwarded: boolean): void {
    this.options.log.info(
      `${this.client.label}: user=${this.user} database=${this.database} refused by the upstream: ${error.code} ${error.message}`,
    );
    if (forwarded) {
      // The upstream's own ErrorResponse, held or not: the client gets it before the close.
      this.releaseHeld();
      this.close();
    } else this.refuse(error.code, error.message);
  }

  private releaseHeld(): void {
    const held = this.held;
    this.held = [];
    for (const bytes of held) this.client.write(bytes);
  }

  private upstreamClosed(): void {
    if (this.state === 'closed') return;
    if (this.state === 'authenticating') {
      this.refuse('08006', 'the upstream server closed the connection during startup');
      return;
    }
    this.options.log.debug(`${this.client.label}: upstream closed`);
    this.finish();
    this.client.end();
  }

  private toUpstream(chunk: Uint8Array): void {
    const socket = this.socket;
    if (!socket) return;
    if (!socket.write(chunk) && !this.clientPaused) {
      this.pauseClient();
      socket.once('drain', () => {
        this.clientPaused = false;
        if (this.state !== 'closed') this.client.resume();
      });
    }
  }

  private toClient(chunk: Uint8Array): void {
    if (!this.client.write(chunk)) this.socket?.pause();
  }

  private pauseClient(): void {
    this.clientPaused = true;
    this.client.pause();
  }
}
