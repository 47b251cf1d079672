/**
 * CancelRequest over a side connection: Postgres cancels whatever the backend identified by
 * (processID, secretKey) is running. The request gets no answer; the server just closes.
 */
import { serialize } from 'pg-protocol';
import { openTcp } from '../transport/tcp.js';
import type { TcpTarget } from '../transport/transport.js';

export async function sendCancelRequest(
  target: TcpTarget,
  processID: number,
  secretKey: number,
): Promise<void> {
  // pg sends CancelRequest without TLS negotiation on the side connection; so do we.
  await new Promise<void>((resolve, reject) => {
    openTcp({ ...target, ssl: false }, { data: () => {}, close: () => resolve() }).then((transport) => {
      transport.write(serialize.cancel(processID, secretKey));
      transport.end();
    }, reject);
  });
}
