/**
 * The server side of a client's startup phase, as Neon's proxy does it for WebSocket clients
 * (neon-ws-protocol.md §3, §5): encryption requests are refused with 'N', a CancelRequest is
 * handed over as is, the StartupMessage is read, and the client is then asked for a cleartext
 * password. Whatever the client pipelined behind its password stays queued for the upstream.
 *
 * Pure: bytes in, events out. The session decides what to do with them.
 */
import { ByteQueue } from './byte-queue.js';
import {
  CANCEL_REQUEST_CODE,
  GSSENC_REQUEST_CODE,
  MAX_STARTUP_PACKET_BYTES,
  PROTOCOL_3_0,
  REFUSE_ENCRYPTION,
  SSL_REQUEST_CODE,
} from './messages.js';

/** Postgres' limit for authentication messages (PG_MAX_AUTH_TOKEN_LENGTH). */
const MAX_PASSWORD_MESSAGE_BYTES = 65_535;

export interface FrontendEvents {
  /** Bytes to send back to the client right away ('N' to SSLRequest / GSSENCRequest). */
  reply(bytes: Buffer): void;
  /** A CancelRequest packet, whole, to forward to the upstream. The client expects no answer. */
  cancel(packet: Buffer): void;
  /** The StartupMessage: its protocol version and parameters (`user` is always present). */
  startup(version: number, parameters: Record<string, string>): void;
  /** The PasswordMessage that answers our AuthenticationCleartextPassword. */
  password(password: string): void;
  /** The client ended the conversation (Terminate) before authenticating. */
  terminate(): void;
  /** The client broke the protocol; send it a FATAL ErrorResponse with this SQLSTATE and close. */
  protocolError(code: string, message: string): void;
}

type State = 'startup' | 'password' | 'done';

export class FrontendStartup {
  private state: State = 'startup';
  private readonly queue = new ByteQueue();

  constructor(private readonly events: FrontendEvents) {}

  /** True once the password arrived: the rest of the client's bytes belong to the upstream. */
  get done(): boolean {
    return this.state === 'done';
  }

  /** Bytes queued after the password, waiting for the upstream. */
  get pendingBytes(): number {
    return this.state === 'done' ? this.queue.length : 0;
  }

  feed(chunk: Uint8Array): void {
    if (this.state === 'done') {
      this.queue.push(chunk);
      return;
    }
    this.queue.push(chunk);
    for (;;) {
      const progressed =
        this.state === 'startup'
          ? this.readStartupPacket()
          : this.state === 'password' && this.readPassword();
      if (!progressed) return;
    }
  }

  /** Everything the client sent after its password (pipelined queries), in order. */
  takePipelined(): Buffer[] {
    return this.queue.drain();
  }

  private fail(code: string, message: string): false {
    this.state = 'done';
    this.queue.drain();
    this.events.protocolError(code, message);
    return false;
  }

  /** Reads one length-prefixed startup-phase packet; false when more bytes are needed. */
  private readStartupPacket(): boolean {
    if (this.queue.length < 8) return false;
    const length = this.queue.int32At(0);
    if (length < 8 || length > MAX_STARTUP_PACKET_BYTES)
      return this.fail('08P01', 'invalid length of startup packet');
    if (this.queue.length < length) return false;
    const packet = this.queue.take(length);
    const code = packet.readInt32BE(4);
    if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
      this.events.reply(REFUSE_ENCRYPTION);
      return true;
    }
    if (code === CANCEL_REQUEST_CODE) {
      this.state = 'done';
      this.events.cancel(packet);
      return false;
    }
    if (code >>> 16 !== PROTOCOL_3_0 >>> 16) {
      return this.fail(
        '0A000',
        `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}: server supports 3.0 to 3.0`,
      );
    }
    const parameters = readStartupParameters(packet);
    if (parameters === undefined)
      return this.fail('08P01', 'invalid startup packet layout: expected terminator as last byte');
    if (!parameters.user) return this.fail('28000', 'no PostgreSQL user name specified in startup packet');
    this.state = 'password';
    this.events.startup(code, parameters);
    return true;
  }

  private readPassword(): boolean {
    if (this.queue.length < 5) return false;
    const type = this.queue.byteAt(0);
    const length = this.queue.int32At(1);
    if (type === 0x58 /* X: Terminate */) {
      this.state = 'done';
      this.queue.drain();
      this.events.terminate();
      return false;
    }
    if (type !== 0x70 /* p */)
      return this.fail('08P01', `expected password response, got message type ${type}`);
    if (length < 4 || length > MAX_PASSWORD_MESSAGE_BYTES)
      return this.fail('08P01', 'invalid message length');
    if (this.queue.length < 1 + length) return false;
    const message = this.queue.take(1 + length);
    const end = message.indexOf(0, 5);
    if (end !== message.length - 1) return this.fail('08P01', 'invalid password packet size');
    this.state = 'done';
    this.events.password(message.toString('utf8', 5, end));
    return false;
  }
}

/** Name/value pairs of a StartupMessage (after length and version), or undefined when malformed. */
function readStartupParameters(packet: Buffer): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  let at = 8;
  for (;;) {
    if (at >= packet.length) return undefined;
    if (packet[at] === 0) return at === packet.length - 1 ? parameters : undefined;
    const nameEnd = packet.indexOf(0, at);
    if (nameEnd === -1) return undefined;
    const valueEnd = packet.indexOf(0, nameEnd + 1);
    if (valueEnd === -1) return undefined;
    parameters[packet.toString('utf8', at, nameEnd)] = packet.toString('utf8', nameEnd + 1, valueEnd);
    at = valueEnd + 1;
  }
}
