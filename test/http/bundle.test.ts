/**
 * `edgepg/http` bundles alone: an esbuild browser bundle of src/http/index.ts must not reach the
 * wire engine, the TCP/WebSocket transports, the Client, pg-protocol or ws, and its size is
 * pinned (min+gzip) so growth is noticed. Nothing is external: the entry needs no `Buffer`, so the
 * `buffer` polyfill must not be reached either.
 */
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * Leaves every `import()` target out of the bundle (external), recording it: what the entry loads
 * when it is imported is its static graph, and it should have no lazy imports at all: bundlers that
 * do not split code would inline them.
 */
function lazyImportsExternal(seen: string[]): Plugin {
  return {
    name: 'lazy-imports-external',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind !== 'dynamic-import') return undefined;
        seen.push(args.path);
        return { path: args.path, external: true };
      });
    },
  };
}

async function bundle(external: string[] = []) {
  const lazy: string[] = [];
  const result = await build({
    entryPoints: ['src/http/index.ts'],
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external,
    plugins: [lazyImportsExternal(lazy)],
  });
  const code = result.outputFiles[0].contents;
  return { inputs: Object.keys(result.metafile.inputs), gzip: gzipSync(code, { level: 9 }).length, lazy };
}

describe('the edgepg/http bundle', () => {
  it('contains only the HTTP path and the value core with its text type parsers', async () => {
    const { inputs } = await bundle();
    const forbidden = inputs.filter((path) =>
      /src\/(wire|client|transport|server|pool|cli)\/|src\/core\/type-parsers\/binary|node_modules\/(pg-protocol|ws|pg-connection-string|pg-types|postgres-|pg-int8|buffer|base64-js|ieee754)\/|src\/core\/buffer/.test(
        path,
      ),
    );
    expect(forbidden).toEqual([]);
    expect(inputs.some((path) => path.includes('src/core/connection-parameters'))).toBe(false);
    expect(inputs.some((path) => path.includes('src/core/database-error'))).toBe(false);
  });

  it('reaches neither sql.begin nor the health checks, not even through import()', async () => {
    const { lazy, inputs } = await bundle();
    expect(lazy).toEqual([]);
    expect(inputs.filter((path) => /src\/http\/(begin|neon-session|health)/.test(path))).toEqual([]);
  });

  it('stays within its size budget (min+gzip, everything it reaches)', async () => {
    const whole = await bundle();
    // A growth alarm, not the goal (the bench reports the 8 KB goal, built from dist/ with class
    // names kept: 9.50 KB). History: 11.43 KB with pg-types and the lazy health-check loaders;
    // 9.86 KB with our own type parsers; 9.34 KB once they were made smaller, the health checks and
    // begin left for the full entry, and nothing reaches Buffer — so the alarm sits just above.
    expect(whole.gzip).toBeLessThanOrEqual(9_450);
  });
});

describe('in a runtime without Buffer (a browser, plain workerd)', () => {
  it('runs a query without a Buffer, bytea as a Uint8Array', async () => {
    // `ignoreAnnotations`: were any module to install a polyfill through a side-effect import,
    // it would be kept and show up as a global Buffer below.
    const result = await build({
      entryPoints: ['src/http/index.ts'],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'edgepgHttp',
      write: false,
      logLevel: 'silent',
      ignoreAnnotations: true,
      plugins: [lazyImportsExternal([])],
    });
    const body = JSON.stringify({
      fields: [
        {
          name: 'b',
          dataTypeID: 17,
          tableID: 0,
          columnID: 0,
          dataTypeSize: -1,
          dataTypeModifier: -1,
          format: 'text',
        },
        {
          name: 't',
          dataTypeID: 1184,
          tableID: 0,
          columnID: 0,
          dataTypeSize: 8,
          dataTypeModifier: -1,
          format: 'text',
        },
      ],
      rows: [['\\x6869', '2024-01-02 03:04:05+00']],
      command: 'SELECT',
      rowCount: 1,
      rowAsArray: true,
    });
    const requests: { url: string; body: string }[] = [];
    const sandbox: Record<string, unknown> = {
      URL,
      Headers,
      AbortController,
      AbortSignal,
      TextEncoder,
      TextDecoder,
      setTimeout,
      clearTimeout,
      performance,
      console,
      fetch: async (url: string, init: { body: string }) => {
        requests.push({ url, body: init.body });
        return new Response(body);
      },
    };
    runInNewContext(`${result.outputFiles[0].text}; globalThis.edgepgHttp = edgepgHttp;`, sandbox);
    expect(sandbox.Buffer).toBeUndefined();
    const { neon } = sandbox.edgepgHttp as typeof import('../../src/http/index.js');
    const sql = neon('postgresql://u:p@ep-a-1.aws.neon.tech/db', { disableWarningInBrowsers: true });
    const rows = await sql`SELECT ${new Uint8Array([104, 105])} AS b, now() AS t`;
    expect(JSON.parse(requests[0].body)).toEqual({
      query: 'SELECT $1::bytea AS b, now() AS t',
      params: ['\\x6869'],
    });
    // The sandbox's own Uint8Array (another realm), not a Buffer.
    expect(Object.prototype.toString.call(rows[0].b)).toBe('[object Uint8Array]');
    expect((rows[0].b as { constructor: { name: string } }).constructor.name).toBe('Uint8Array');
    expect(String.fromCharCode(...(rows[0].b as Uint8Array))).toBe('hi');
    expect((rows[0].t as Date).getTime()).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
  });
});
