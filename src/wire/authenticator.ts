/**
 * The client side of Postgres authentication, as a small state machine the engine drives:
 * trust, cleartext, md5 and SCRAM-SHA-256 (WebCrypto), plus speculative answers.
 *
 * Speculation: when the driver knows which method the server will ask for (configured, or
 * remembered from the last connection to the same server), the answer goes out right behind the
 * StartupMessage — the cleartext password, or SCRAM's client-first message — and for trust,
 * queries may follow the StartupMessage at once. If the server then asks for something else,
 * nothing has run yet: the host is told to start over without speculating.
 */
import { serialize } from 'pg-protocol';
import type { AuthenticationMD5Password, BackendMessage } from 'pg-protocol/dist/messages.js';
import { AuthError, ProtocolError } from '../core/errors.js';
import { md5PasswordMessage } from './auth/md5.js';
import { createScramClient, type ScramClient, selectSaslMechanism } from './auth/scram.js';

/** The authentication method a server asked for, as the driver remembers it. */
export type AuthMethod = 'trust' | 'cleartext' | 'md5' | 'scram';

export interface AuthenticatorOptions {
  user: string;
  password: string | undefined;
  speculate?: AuthMethod;
  scramMaxIterations?: number;
}

/** What the authenticator needs from the engine. */
export interface AuthenticatorHost {
  write(data: Uint8Array): void;
  /** The client's last authentication message is out: queries may follow right behind it. */
  clientDone(): void;
  /** AuthenticationOk: the server accepted us; startup messages follow. */
  accepted(): void;
  /** Our early answer does not fit what the server asked: nothing ran, start over without it. */
  mismatch(): void;
  /** The method this server asked for (trust when it accepted us without asking). */
  methodSeen(method: AuthMethod): void;
  /** An asynchronous step failed (the SCRAM computation). */
  fail(error: Error): void;
  /** False once the connection moved on or closed: late async results are dropped. */
  stillAuthenticating(): boolean;
}

type SaslMessage = BackendMessage & { mechanisms: string[] };
type SaslDataMessage = BackendMessage & { data: string };

export class Authenticator {
  /** The method answered before being asked, until the server's request confirms it. */
  private speculated: AuthMethod | undefined;
  private sawRequest = false;
  private scram: ScramClient | undefined;

  constructor(
    private readonly options: AuthenticatorOptions,
    private readonly host: AuthenticatorHost,
  ) {}

  /** Called right after the StartupMessage is written: sends any speculative answer. */
  start(): void {
    const { speculate, password } = this.options;
    if (speculate === 'cleartext' && password !== undefined) {
      this.host.write(serialize.password(password));
      this.speculated = 'cleartext';
      this.host.clientDone();
    } else if (speculate === 'scram' && password !== undefined) {
      this.scram = this.newScramClient();
      this.host.write(
        serialize.sendSASLInitialResponseMessage('SCRAM-SHA-256', this.scram.clientFirstMessage()),
      );
      this.speculated = 'scram';
    } else if (speculate === 'trust') {
      this.speculated = 'trust';
      this.host.clientDone();
    }
  }

  handle(message: BackendMessage): void {
    const method = methodOf(message);
    if (method) {
      this.sawRequest = true;
      this.host.methodSeen(method);
    } else if (message.name === 'authenticationOk' && !this.sawRequest) {
      this.host.methodSeen('trust');
    }
    if (this.speculated) {
      const speculated = this.speculated;
      this.speculated = undefined;
      const confirmed =
        (speculated === 'cleartext' && message.name === 'authenticationCleartextPassword') ||
        (speculated === 'scram' &&
          message.name === 'authenticationSASL' &&
          (message as SaslMessage).mechanisms.includes('SCRAM-SHA-256')) ||
        (speculated === 'trust' && message.name === 'authenticationOk');
      if (!confirmed) {
        this.host.mismatch();
        return;
      }
      // Already answered: wait for the next message (for trust, carry on below).
      if (speculated !== 'trust') return;
    }
    this.answer(message);
  }

  private answer(message: BackendMessage): void {
    switch (message.name) {
      case 'authenticationOk':
        this.host.accepted();
        return;
      case 'authenticationCleartextPassword':
        this.host.write(serialize.password(this.requirePassword()));
        this.host.clientDone();
        return;
      case 'authenticationMD5Password': {
        const { salt } = message as AuthenticationMD5Password;
        const hashed = md5PasswordMessage(this.options.user, this.requirePassword(), new Uint8Array(salt));
        this.host.write(serialize.password(hashed));
        this.host.clientDone();
        return;
      }
      case 'authenticationSASL': {
        const mechanism = selectSaslMechanism((message as SaslMessage).mechanisms);
        this.requirePassword();
        this.scram = this.newScramClient();
        this.host.write(serialize.sendSASLInitialResponseMessage(mechanism, this.scram.clientFirstMessage()));
        return;
      }
      case 'authenticationSASLContinue': {
        const scram = this.scram;
        if (!scram) throw new ProtocolError('Received SASLContinue before SASL started');
        scram.clientFinalMessage((message as SaslDataMessage).data).then(
          (final) => {
            if (!this.host.stillAuthenticating()) return;
            this.host.write(serialize.sendSCRAMClientFinalMessage(final));
            this.host.clientDone();
          },
          (error: Error) => this.host.fail(error),
        );
        return;
      }
      case 'authenticationSASLFinal':
        if (!this.scram) throw new ProtocolError('Received SASLFinal before SASL started');
        this.scram.verifyServerFinal((message as SaslDataMessage).data);
        return;
    }
  }

  private newScramClient(): ScramClient {
    return createScramClient({
      password: this.options.password as string,
      maxIterations: this.options.scramMaxIterations,
    });
  }

  private requirePassword(): string {
    const { password } = this.options;
    if (typeof password !== 'string') {
      throw new AuthError(
        'The server asked for a password but none was provided (set password or PGPASSWORD)',
      );
    }
    return password;
  }
}

function methodOf(message: BackendMessage): AuthMethod | undefined {
  switch (message.name) {
    case 'authenticationCleartextPassword':
      return 'cleartext';
    case 'authenticationMD5Password':
      return 'md5';
    case 'authenticationSASL':
      return 'scram';
    default:
      return undefined;
  }
}
