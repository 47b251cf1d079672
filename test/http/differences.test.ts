/**
 * The intentional differences from `@neondatabase/serverless` 1.2.0, each pinned by running the
 * same call through both drivers and asserting what each does. (Everything else is identical:
 * ./differential.test.ts.)
 */
import * as Neon from '@neondatabase/serverless';
import { afterEach, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { UsageError } from '../../src/core/errors.js';
import { NeonDbError, neonConfig, neon as ourNeon } from '../../src/http/index.js';
import { DRIVER_APPLICATION_NAME } from '../../src/http/version.js';
import { type CapturedRequest, capture, jsonResponse } from './helpers/sql-endpoint.js';

// biome-ignore lint/suspicious/noExplicitAny: one scenario body drives two differently typed drivers
type AnySql = any;
type Factory = (...args: unknown[]) => AnySql;

const URL = 'postgresql://alice:pw@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb';
const oneRow = {
  fields: [
    {
      name: 'n',
      dataTypeID: 23,
      tableID: 0,
      columnID: 0,
      dataTypeSize: 4,
      dataTypeModifier: -1,
      format: 'text',
    },
  ],
  rows: [['1']],
  command: 'SELECT',
  rowCount: 1,
  rowAsArray: true,
};

/** Points both drivers at `respond`; returns the requests each made. */
function serve(respond: (request: CapturedRequest) => Response | Promise<Response>) {
  const logs = { neon: [] as CapturedRequest[], ours: [] as CapturedRequest[] };
  Neon.neonConfig.fetchFunction = async (url: string, init: Record<string, unknown>) => {
    logs.neon.push(capture(url, init));
    return respond(logs.neon.at(-1)!);
  };
  neonConfig.fetchFunction = async (url: string, init: Record<string, unknown>) => {
    logs.ours.push(capture(url, init));
    return respond(logs.ours.at(-1)!);
  };
  return logs;
}

async function outcome(run: () => unknown): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    return error;
  }
}

afterEach(() => {
  Neon.neonConfig.fetchFunction = undefined;
  neonConfig.fetchFunction = undefined;
});

describe('intentional differences from Neon 1.2.0', () => {
  it('application_name names edgepg (and tracks package.json)', async () => {
    const logs = serve(() => jsonResponse(oneRow));
    for (const neon of [Neon.neon, ourNeon] as Factory[]) await neon(URL)`SELECT 1`;
    expect(logs.neon[0].headers['neon-connection-string']).toBe(
      `${URL}?application_name=pkg%3Anpm%2F%2540neondatabase%2Fserverless%401.2.0`,
    );
    expect(logs.ours[0].headers['neon-connection-string']).toBe(
      `${URL}?application_name=pkg%3Anpm%2Fedgepg%40${packageJson.version}`,
    );
    expect(DRIVER_APPLICATION_NAME).toBe(`pkg:npm/${packageJson.name}@${packageJson.version}`);
  });

  it('fetchOptions.headers are merged with ours (Neon replaces all of its headers)', async () => {
    const logs = serve(() => jsonResponse(oneRow));
    const fetchOptions = { headers: { 'X-Trace': 'abc', 'neon-array-mode': 'true' } };
    for (const neon of [Neon.neon, ourNeon] as Factory[])
      await outcome(() => neon(URL, { fetchOptions })`SELECT 1`);
    expect(logs.neon[0].headers).toEqual({ 'x-trace': 'abc', 'neon-array-mode': 'true' });
    expect(logs.ours[0].headers).toEqual({
      'neon-connection-string': expect.stringContaining(URL),
      'neon-raw-text-output': 'true',
      'neon-array-mode': 'true',
      'x-trace': 'abc',
    });
    // A user header replaces ours of the same name whatever its case; Headers instances work too.
    await ourNeon(URL, {
      fetchOptions: { headers: new Headers({ 'NEON-RAW-TEXT-OUTPUT': 'true', a: 'b' }) },
    })`SELECT 1`;
    expect(logs.ours[1].headerNames).toEqual([
      'Neon-Connection-String',
      'Neon-Array-Mode',
      'a',
      'neon-raw-text-output',
    ]);
  });

  it('types on neon() and on transaction() are honoured (Neon reads per-query types only)', async () => {
    serve((request) =>
      jsonResponse(
        Array.isArray((request.body as { queries?: unknown }).queries) ? { results: [oneRow] } : oneRow,
      ),
    );
    const types = { getTypeParser: () => (value: string) => `custom ${value}` };
    const run = async (neon: Factory) => {
      const sql = neon(URL, { types });
      const single = await sql`SELECT 1`;
      const batch = await sql.transaction([sql`SELECT 1`]);
      const txLevel = await neon(URL).transaction((tx: AnySql) => [tx`SELECT 1`], { types });
      return [single, batch, txLevel];
    };
    expect(await run(Neon.neon as Factory)).toEqual([[{ n: 1 }], [[{ n: 1 }]], [[{ n: 1 }]]]);
    expect(await run(ourNeon as Factory)).toEqual([
      [{ n: 'custom 1' }],
      [[{ n: 'custom 1' }]],
      [[{ n: 'custom 1' }]],
    ]);
  });

  it("a transaction's authToken is used (Neon ignores it and keeps neon()'s)", async () => {
    const logs = serve(() => jsonResponse({ results: [oneRow] }));
    for (const neon of [Neon.neon, ourNeon] as Factory[]) {
      const sql = neon(URL, { authToken: 'instance' });
      await sql.transaction([sql`SELECT 1`], { authToken: async () => 'transaction' });
    }
    expect(logs.neon[0].headers.authorization).toBe('Bearer instance');
    expect(logs.ours[0].headers.authorization).toBe('Bearer transaction');
  });

  it('neon(undefined, options) keeps the options (Neon drops them)', async () => {
    const logs = serve(() => jsonResponse(oneRow));
    const options = { connectionString: URL, arrayMode: true };
    const neonOutcome = await outcome(() => (Neon.neon as Factory)(undefined, options)`SELECT 1`);
    const ourOutcome = await outcome(() => (ourNeon as Factory)(undefined, options)`SELECT 1`);
    expect(neonOutcome).toBeInstanceOf(Neon.NeonDbError);
    expect((neonOutcome as Error).message).toBe(
      'Wrong URL scheme or missing user, host or database in connection parameters',
    );
    expect(ourOutcome).toEqual([[1]]);
    expect(logs.neon).toHaveLength(0);
  });

  it('a 2xx body that is not JSON is a NeonDbError (Neon lets the SyntaxError through)', async () => {
    serve(() => new Response('<html>gateway</html>', { status: 200 }));
    const theirs = await outcome(() => Neon.neon(URL)`SELECT 1`);
    const ours = await outcome(() => ourNeon(URL)`SELECT 1`);
    expect(theirs).toBeInstanceOf(SyntaxError);
    expect(ours).toBeInstanceOf(NeonDbError);
    expect((ours as NeonDbError).message).toBe(
      'Server error (HTTP status 200): the response is not JSON: <html>gateway</html>',
    );
    expect((ours as NeonDbError).sourceError).toBeInstanceOf(SyntaxError);
  });

  it('a 400 whose body is not a JSON object gives the body text (Neon: SyntaxError, or an empty message)', async () => {
    for (const body of ['not json', '"query is not supported"']) {
      serve(() => new Response(body, { status: 400 }));
      const theirs = await outcome(() => Neon.neon(URL)`SELECT 1`);
      const ours = await outcome(() => ourNeon(URL)`SELECT 1`);
      expect(theirs instanceof SyntaxError || (theirs as Error).message === '').toBe(true);
      expect((ours as NeonDbError).message).toBe(`Server error (HTTP status 400): ${body}`);
    }
  });

  it('a 2xx single result without fields/rows is a NeonDbError (Neon: a TypeError)', async () => {
    serve(() => jsonResponse({ unexpected: true }));
    expect(await outcome(() => Neon.neon(URL)`SELECT 1`)).toBeInstanceOf(TypeError);
    const ours = await outcome(() => ourNeon(URL)`SELECT 1`);
    expect(ours).toBeInstanceOf(NeonDbError);
    expect((ours as Error).message).toBe('Neon internal error: unexpected result format');
  });

  it('usage errors keep Neon’s messages but are UsageErrors (code EDGEPG_USAGE), not plain Errors', async () => {
    serve(() => jsonResponse(oneRow));
    const sql = ourNeon(URL) as AnySql;
    const theirs = Neon.neon(URL) as AnySql;
    const pairs: [unknown, unknown][] = [
      [await outcome(() => theirs('SELECT 1')), await outcome(() => sql('SELECT 1'))],
      [await outcome(() => theirs.transaction([1])), await outcome(() => sql.transaction([1]))],
      [
        await outcome(() => theirs`SELECT ${theirs.query('$1', [1])}`),
        await outcome(() => sql`SELECT ${sql.query('$1', [1])}`),
      ],
    ];
    for (const [neonError, ourError] of pairs) {
      expect((neonError as Error).constructor).toBe(Error);
      expect(ourError).toBeInstanceOf(UsageError);
      expect(ourError).toBeInstanceOf(Error);
      expect((ourError as UsageError).code).toBe('EDGEPG_USAGE');
      expect((ourError as Error).message).toBe((neonError as Error).message);
    }
  });

  it('NeonDbError is recognised across copies of the module (a Symbol.for brand)', async () => {
    const foreign = new NeonDbError('x');
    expect(foreign).toBeInstanceOf(NeonDbError);
    expect(Object.keys(foreign)).toEqual(Object.keys(new Neon.NeonDbError('x')));
    // A look-alike from another copy of edgepg (same brand) passes; Neon's own class does not.
    const lookalike = Object.create(Error.prototype, { [Symbol.for('edgepg.NeonDbError')]: { value: true } });
    expect(lookalike).toBeInstanceOf(NeonDbError);
    expect(new Neon.NeonDbError('x')).not.toBeInstanceOf(NeonDbError);
  });
});
