/**
 * `startServer` warns through its log sink when it listens on a host other machines can reach,
 * and stays quiet on the loopback default.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.js';

const warning = /^warn edgepg server is listening on .*reachable from other machines.*cleartext/;

describe('bind-address warning', () => {
  it('warns when listening on a non-loopback host', async () => {
    const t = await startTestServer({ host: '0.0.0.0', port: 0 });
    try {
      expect(t.logs.filter((line) => warning.test(line))).toEqual([
        'warn edgepg server is listening on 0.0.0.0: it is reachable from other machines and ' +
          'passwords travel in cleartext; use it for development only',
      ]);
    } finally {
      await t.server.close();
    }
  });

  it('does not warn on the default loopback host', async () => {
    const t = await startTestServer({ port: 0 });
    try {
      expect(t.server.host).toBe('127.0.0.1');
      expect(t.logs.some((line) => line.startsWith('info listening on'))).toBe(true);
      expect(t.logs.filter((line) => warning.test(line))).toEqual([]);
    } finally {
      await t.server.close();
    }
  });
});
