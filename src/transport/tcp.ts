/**
 * TCP (and TLS after Postgres' SSLRequest) transport for Node, Bun and Deno. `node:net` and
 * `node:tls` are imported lazily so that importing edgepg never loads them on edge runtimes.
 */
import { ConnectionError } from '../core/errors.js';
import {
  type OpenSignal,
  type TcpTarget,
  type Transport,
  type TransportHandlers,
  unlessAborted,
  WRITE_BUFFER_BYTES,
} from './transport.js';

// SSLRequest: length 8, code 80877103.
const sslRequest = new Uint8Array([0, 0, 0, 8, 4, 210, 22, 47]);

export async function openTcp(
  target: TcpTarget,
  handlers: TransportHandlers,
  /** Abandons the opening (connect timeout, `end()`): the socket is destroyed, the call rejects. */
  signal?: OpenSignal,
): Promise<Transport> {
  const net = await import('node:net');
  if (signal?.aborted) throw signal.reason;
  const s = target.host.startsWith('/')
    ? net.connect({ path: `${target.host}/.s.PGSQL.${target.port}` })
    : net.connect({ host: target.host, port: target.port });
  // Destroying the TCP socket also ends a TLS session being negotiated over it.
  const cancel = () => s.destroy();
  const connected = new Promise<import('node:net').Socket>((resolve, reject) => {
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', (error) =>
      reject(
        new ConnectionError(`Could not connect to ${target.host}:${target.port}: ${error.message}`, {
          cause: error,
        }),
      ),
    );
  });
  let socket = await unlessAborted(signal, connected, cancel);
  socket.setNoDelay(true);
  if (target.keepAlive) socket.setKeepAlive(true, target.keepAliveInitialDelayMillis ?? 0);

  if (target.ssl) {
    socket = await unlessAborted(signal, negotiateTls(socket, target), cancel);
  }

  let closedError: Error | undefined;
  let closed = false;
  /** One pending wait shared by every writer: 'drain' or 'close' ends it. */
  let draining: Promise<void> | undefined;
  socket.on('data', (chunk: Buffer) => handlers.data(chunk));
  socket.on('error', (error) => {
    closedError = error;
  });
  socket.on('close', () => {
    closed = true;
    handlers.close(closedError);
  });

  const drained = (): Promise<void> => {
    // Above Node's own 16 KiB mark a write has returned false, so 'drain' is due once the
    // buffer empties; waiting only past our larger mark keeps a bulk writer from pausing per chunk.
    if (closed || socket.destroyed || socket.writableLength <= WRITE_BUFFER_BYTES) return Promise.resolve();
    draining ??= new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        draining = undefined;
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
    return draining;
  };

  return {
    write: (data) => {
      socket.write(data);
    },
    drained,
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    end: () => socket.end(),
    destroy: (error) => socket.destroy(error),
    ref: () => socket.ref(),
    unref: () => socket.unref(),
  };
}

/**
 * Postgres' TLS upgrade of a connected socket: SSLRequest, the server's one-byte answer, then a
 * TLS handshake over the same socket (no plaintext fallback, as pg). Also used by the local
 * server for its upstream connections.
 */
export async function negotiateTls(
  socket: import('node:net').Socket,
  target: TcpTarget,
): Promise<import('node:net').Socket> {
  const answer = await new Promise<number>((resolve, reject) => {
    socket.once('data', (chunk: Buffer) => resolve(chunk[0]));
    socket.once('error', reject);
    socket.write(sslRequest);
  });
  if (answer === 0x4e /* N */) {
    socket.destroy();
    throw new ConnectionError('The server does not support SSL connections');
  }
  if (answer !== 0x53 /* S */) {
    socket.destroy();
    throw new ConnectionError('There was an error establishing an SSL connection');
  }
  const tls = await import('node:tls');
  const net = await import('node:net');
  const options = typeof target.ssl === 'object' ? await withFiles(target.ssl) : {};
  return new Promise((resolve, reject) => {
    const secure = tls.connect({
      socket,
      ...(net.isIP(target.host) ? {} : { servername: target.host }),
      ...options,
    });
    secure.once('secureConnect', () => {
      secure.off('error', reject);
      resolve(secure);
    });
    secure.once('error', (error) =>
      reject(
        new ConnectionError(`TLS handshake with ${target.host} failed: ${error.message}`, { cause: error }),
      ),
    );
  });
}

/** sslcert / sslkey / sslrootcert from a connection string arrive as paths: read them here. */
async function withFiles(ssl: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { certFile, keyFile, caFile, ...options } = ssl;
  if (certFile === undefined && keyFile === undefined && caFile === undefined) return ssl;
  const { readFile } = await import('node:fs/promises');
  const read = (path: unknown) => readFile(String(path), 'utf8');
  if (certFile !== undefined) options.cert = await read(certFile);
  if (keyFile !== undefined) options.key = await read(keyFile);
  if (caFile !== undefined) options.ca = await read(caFile);
  return options;
}
