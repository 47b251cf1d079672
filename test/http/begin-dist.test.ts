/**
 * `sql.begin` from the BUILT package (run `npx tsup` first): the full entry `edgepg` has it as ESM
 * and as CJS in a fresh Node, and in a browser bundle of dist/index.js (`#tcp` is the stub there).
 * The HTTP-only entry `edgepg/http` leaves the WebSocket session out and says where begin is.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type LocalServer, startServer } from '../../src/server/index.js';
import { credentials, pgInfo } from '../setup/pg.js';

const root = join(import.meta.dirname, '../..');
let server: LocalServer;
let url: string;

beforeAll(async () => {
  const info = pgInfo();
  server = await startServer({ upstream: { host: info.host, port: info.port }, port: 0 });
  const { user, password } = credentials('scram');
  url = server.connectionString({ user, password, database: info.database });
});
afterAll(async () => {
  await server?.close();
});

/** Runs `script` in a fresh Node (asynchronously: the local server lives in this process). */
function node(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', script],
      { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: url }, timeout: 20_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

/** Uses `mod` (edgepg) to run an interactive transaction and prints what it saw. */
const beginScript = (load: string) => `
  ${load}.then(async ({ neon, neonConfig }) => {
    neonConfig.wsProxy = (host, port) => host + ':' + port + '/v2';
    neonConfig.useSecureWebSocket = false;
    const sql = neon(process.env.DATABASE_URL);
    const out = await sql.begin(async (tx) => {
      const [row] = await tx\`select 41 + \${1} as answer\`;
      return { answer: row.answer, attempt: tx.attempt };
    }, { isolationLevel: 'Serializable' });
    console.log(JSON.stringify(out));
  });`;

describe('sql.begin from dist', () => {
  it('ESM: import("edgepg")', async () => {
    const out = await node(beginScript(`import('edgepg')`));
    expect(JSON.parse(out)).toEqual({ answer: 42, attempt: 1 });
  });

  it('CJS: require("edgepg")', async () => {
    const out = await node(beginScript(`Promise.resolve(require('edgepg'))`));
    expect(JSON.parse(out)).toEqual({ answer: 42, attempt: 1 });
  });

  it('edgepg/http (ESM and CJS) rejects begin with a UsageError naming the full entry', async () => {
    const script = (load: string) => `
      ${load}.then(({ neon }) => neon(process.env.DATABASE_URL).begin(async () => 1)).then(
        () => console.log('resolved'),
        (error) => console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message })),
      );`;
    for (const load of [`import('edgepg/http')`, `Promise.resolve(require('edgepg/http'))`]) {
      const seen = JSON.parse(await node(script(load)));
      expect(seen.name).toBe('UsageError');
      expect(seen.message).toContain("import { neon } from 'edgepg'");
    }
  });

  it('a browser bundle of dist/index.js (no Buffer, no process, a global WebSocket)', async () => {
    const bundled = await build({
      entryPoints: [join(root, 'dist/index.js')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'edgepgHttp',
      write: false,
      logLevel: 'silent',
    });
    const sandbox: Record<string, unknown> = {
      ...{ console, TextEncoder, TextDecoder, URL, crypto, queueMicrotask, setTimeout, clearTimeout },
      ...{ AbortController, AbortSignal, performance, WebSocket, btoa, atob },
      // The `ws` socket hands over this realm's ArrayBuffers (a browser's would be the page's own).
      ...{ ArrayBuffer, Uint8Array, DataView },
    };
    runInNewContext(`${bundled.outputFiles[0].text}; globalThis.edgepgHttp = edgepgHttp;`, sandbox);
    const { neon, neonConfig } = sandbox.edgepgHttp as typeof import('../../src/index.js');
    neonConfig.wsProxy = (host, port) => `${host}:${port}/v2`;
    neonConfig.useSecureWebSocket = false;
    const sql = neon(url, { disableWarningInBrowsers: true });
    const rows = await sql.begin((tx) => tx`select ${'in a browser'}::text as where_`);
    expect(rows).toEqual([{ where_: 'in a browser' }]);
  });
});
