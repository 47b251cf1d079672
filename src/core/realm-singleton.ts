/**
 * One instance per JavaScript realm, shared by the ESM and CJS copies of edgepg.
 *
 * A process that both `import`s and `require`s edgepg loads two copies of every module (the
 * dual-package hazard): an app's ESM code sets `neonConfig.webSocketConstructor` while a CJS
 * dependency (an ORM's CJS build, an adapter) builds the Pool from the other copy. Global
 * configuration must therefore live in one place: the first copy to load creates it under a
 * `Symbol.for` key on `globalThis` and every later copy uses that object. The key carries the
 * major version, so an incompatible future edgepg in the same process keeps its own.
 */
export function realmSingleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`edgepg.${name}@1`);
  const realm = globalThis as unknown as Record<symbol, T | undefined>;
  const existing = realm[key];
  if (existing !== undefined) return existing;
  const created = create();
  Object.defineProperty(realm, key, {
    value: created,
    configurable: true,
    enumerable: false,
    writable: false,
  });
  return created;
}
