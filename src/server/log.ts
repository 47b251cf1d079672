/**
 * The server's log sink. Messages are built from user names, database names, SQLSTATEs and
 * Postgres' own error texts, never from connection strings or passwords; as a second line of
 * defence, anything shaped like URL credentials is masked before it reaches the sink.
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Receives every log line; `debug` lines (one per request or session) only with `verbose`. */
export type LogSink = (level: LogLevel, message: string) => void;

const urlCredentials = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi;

export class Logger {
  constructor(
    private readonly sink: LogSink | undefined,
    /** Per-request and per-session lines; checked before building them, they are hot. */
    readonly verbose: boolean,
  ) {}

  error(message: string): void {
    this.write('error', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  info(message: string): void {
    this.write('info', message);
  }

  debug(message: string): void {
    if (this.verbose) this.write('debug', message);
  }

  private write(level: LogLevel, message: string): void {
    if (!this.sink) return;
    try {
      this.sink(level, message.replace(urlCredentials, '$1****@'));
    } catch {
      // A failing sink must not take a request down with it.
    }
  }
}
