/**
 * An environment that refuses reads (Deno without --allow-env throws on every denied variable):
 * importing the core and configuring a connection must treat the variables as unset, not throw.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionParameters } from '../../src/core/index.js';

const realEnv = process.env;
/** Where `defaults` lives once loaded (src/core/realm-singleton.ts): shared by every copy. */
const defaultsKey = Symbol.for('edgepg.defaults@1');
const realm = globalThis as unknown as Record<symbol, unknown>;
const realDefaults = realm[defaultsKey];

/** Like Deno's `process.env` without permission: every read throws. */
function denyEnv(): void {
  const denied = new Proxy(
    {},
    {
      get(_target, name) {
        throw new Error(`Requires env access to "${String(name)}"`);
      },
    },
  );
  Object.defineProperty(process, 'env', { value: denied, configurable: true, writable: true });
}

afterEach(() => {
  Object.defineProperty(process, 'env', { value: realEnv, configurable: true, writable: true });
  Object.defineProperty(realm, defaultsKey, { value: realDefaults, configurable: true, writable: false });
  vi.resetModules();
});

describe('a denied environment', () => {
  it('reads as unset at import and when a connection is configured', async () => {
    vi.resetModules();
    // The top-level import already made `defaults` (with this process's USER); a fresh load must
    // build it again, as a process whose first load happens under the denied environment would.
    delete realm[defaultsKey];
    denyEnv();
    const { envVar } = await import('../../src/core/env.js');
    expect(envVar('PGUSER')).toBeUndefined();
    // defaults reads USER while the module loads.
    const { defaults } = await import('../../src/core/defaults.js');
    expect(defaults.user).toBeUndefined();
    const params = new ConnectionParameters('postgresql://alice:secret@db.example:6543/app');
    expect(params).toMatchObject({ user: 'alice', password: 'secret', host: 'db.example', port: 6543 });
    expect(new ConnectionParameters({ host: 'h' })).toMatchObject({ host: 'h', port: 5432 });
  });

  it('still supplies PG* variables where reading is allowed', () => {
    process.env.PGAPPNAME = 'from-env';
    try {
      expect(new ConnectionParameters('postgresql://u@h/db').application_name).toBe('from-env');
    } finally {
      delete process.env.PGAPPNAME;
    }
  });
});
