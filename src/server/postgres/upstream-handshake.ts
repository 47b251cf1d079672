/**
 * The client side of the startup phase against the upstream Postgres, for a session whose own
 * client authenticated to us with a cleartext password (neon-ws-protocol.md §5 steps 4–6).
 *
 * Authentication requests are answered here with whatever method the upstream asks for
 * (trust, cleartext, md5, SCRAM-SHA-256) and are never shown to the client, which already got
 * our AuthenticationCleartextPassword. From AuthenticationOk on, every message (ParameterStatus,
 * BackendKeyData, notices, ReadyForQuery) is forwarded byte for byte, and so is an ErrorResponse
 * at any point: the client sees the upstream's real SQLSTATE and message. Messages are framed
 * here by hand so that the bytes after ReadyForQuery are handed over exactly, for the pipe.
 *
 * Pure apart from SCRAM's WebCrypto promise: bytes in, events out.
 */

import { serialize } from 'pg-protocol';
import { AuthError, ProtocolError } from '../../core/errors.js';
import { md5PasswordMessage } from '../../wire/auth/md5.js';
import { createScramClient, type ScramClient, selectSaslMechanism } from '../../wire/auth/scram.js';
import { ByteQueue } from './byte-queue.js';
import { readCStrings, readErrorFields, startupMessage } from './messages.js';

export interface HandshakeOptions {
  /** The client's protocol version, passed through. */
  version: number;
  /** The client's startup parameters (`user`, `database`, `application_name`, `options`, …). */
  parameters: Record<string, string>;
  scramMaxIterations?: number;
  /** Longest upstream message accepted during startup. */
  maxMessageBytes?: number;
}

export interface HandshakeEvents {
  /** Bytes for the upstream. */
  send(bytes: Buffer): void;
  /** A whole upstream message for the client. */
  forward(bytes: Buffer): void;
  /** ReadyForQuery was forwarded; `rest` is whatever the upstream sent after it. */
  ready(rest: Buffer[]): void;
  /**
   * Startup failed. `forwarded` is true when the upstream's own ErrorResponse already went to the
   * client; otherwise the session must tell the client itself.
   */
  fail(error: UpstreamStartupError, forwarded: boolean): void;
}

/** Why the upstream refused the session; `code` is its SQLSTATE (ours for local failures). */
export class UpstreamStartupError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamStartupError';
  }
}

const AUTH_OK = 0;
const AUTH_CLEARTEXT = 3;
const AUTH_MD5 = 5;
const AUTH_SASL = 10;
const AUTH_SASL_CONTINUE = 11;
const AUTH_SASL_FINAL = 12;

type State = 'new' | 'authenticating' | 'startingUp' | 'done';

export class UpstreamHandshake {
  private state: State = 'new';
  private readonly queue = new ByteQueue();
  private password: string | undefined;
  /** An authentication request that needs the password, which has not arrived yet. */
  private waitingForPassword: Buffer | undefined;
  /** SCRAM's proof is being computed; the upstream waits for it, and so do we. */
  private busy = false;
  private scram: ScramClient | undefined;
  private readonly maxMessageBytes: number;

  constructor(
    private readonly options: HandshakeOptions,
    private readonly events: HandshakeEvents,
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
  }

  start(): void {
    this.state = 'authenticating';
    this.events.send(startupMessage(this.options.version, this.options.parameters));
  }

  /** The client's cleartext password; may arrive before or after the upstream asks for it. */
  setPassword(password: string): void {
    this.password = password;
    const pending = this.waitingForPassword;
    if (pending) {
      this.waitingForPassword = undefined;
      this.guard(() => this.onAuthentication(pending));
      this.pump();
    }
  }

  feed(chunk: Uint8Array): void {
    if (this.state === 'done') return;
    this.queue.push(chunk);
    this.pump();
  }

  private pump(): void {
    while (this.state !== 'done' && !this.busy && !this.waitingForPassword && this.queue.length >= 5) {
      const length = this.queue.int32At(1);
      if (length < 4 || length > this.maxMessageBytes) {
        this.failWith(new UpstreamStartupError('08P01', 'invalid message length from the upstream server'));
        return;
      }
      if (this.queue.length < 1 + length) return;
      const message = this.queue.take(1 + length);
      this.guard(() => this.dispatch(message));
    }
  }

  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.failWith(asStartupError(error));
    }
  }

  private dispatch(message: Buffer): void {
    const type = message[0];
    if (type === 0x45 /* E */) {
      const fields = readErrorFields(message.subarray(5));
      this.state = 'done';
      this.events.forward(message);
      this.events.fail(
        new UpstreamStartupError(
          fields.get('C') ?? 'XX000',
          fields.get('M') ?? 'the upstream server refused the connection',
        ),
        true,
      );
      return;
    }
    if (this.state === 'authenticating') {
      if (type === 0x52 /* R */) {
        this.onAuthentication(message);
        return;
      }
      // NoticeResponse and NegotiateProtocolVersion may come before authentication ends.
      if (type === 0x4e /* N */ || type === 0x76 /* v */) {
        this.events.forward(message);
        return;
      }
      throw new ProtocolError(
        `unexpected message type ${type} from the upstream server during authentication`,
      );
    }
    // startingUp: ParameterStatus, BackendKeyData, NoticeResponse… all go to the client as they are.
    this.events.forward(message);
    if (type === 0x5a /* Z: ReadyForQuery */) {
      this.state = 'done';
      this.events.ready(this.queue.drain());
    }
  }

  private onAuthentication(message: Buffer): void {
    const code = message.readInt32BE(5);
    if (code === AUTH_OK) {
      this.state = 'startingUp';
      this.events.forward(message);
      return;
    }
    if (code === AUTH_SASL_FINAL) {
      if (!this.scram) throw new ProtocolError('SASLFinal from the upstream server before SASL started');
      this.scram.verifyServerFinal(message.toString('utf8', 9));
      return;
    }
    if (this.password === undefined) {
      this.waitingForPassword = message;
      return;
    }
    const password = this.password;
    switch (code) {
      case AUTH_CLEARTEXT:
        this.events.send(serialize.password(password));
        return;
      case AUTH_MD5:
        this.events.send(
          serialize.password(
            md5PasswordMessage(this.options.parameters.user, password, message.subarray(9, 13)),
          ),
        );
        return;
      case AUTH_SASL: {
        const mechanism = selectSaslMechanism(readCStrings(message, 9));
        this.scram = createScramClient({ password, maxIterations: this.options.scramMaxIterations });
        this.events.send(
          serialize.sendSASLInitialResponseMessage(mechanism, this.scram.clientFirstMessage()),
        );
        return;
      }
      case AUTH_SASL_CONTINUE: {
        const scram = this.scram;
        if (!scram) throw new ProtocolError('SASLContinue from the upstream server before SASL started');
        this.busy = true;
        scram.clientFinalMessage(message.toString('utf8', 9)).then(
          (final) => {
            this.busy = false;
            if (this.state === 'done') return;
            this.events.send(serialize.sendSCRAMClientFinalMessage(final));
            this.pump();
          },
          (error: unknown) => {
            this.busy = false;
            this.failWith(asStartupError(error));
          },
        );
        return;
      }
      default:
        throw new AuthError(
          `the upstream server asked for an unsupported authentication method (code ${code})`,
        );
    }
  }

  private failWith(error: UpstreamStartupError): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.queue.drain();
    this.events.fail(error, false);
  }
}

function asStartupError(error: unknown): UpstreamStartupError {
  if (error instanceof UpstreamStartupError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // 28000 invalid_authorization_specification for auth problems, 08P01 for protocol ones.
  return new UpstreamStartupError(error instanceof AuthError ? '28000' : '08P01', message);
}
