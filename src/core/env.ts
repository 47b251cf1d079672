/**
 * Reading the process environment without assuming one. Edge runtimes have no `process`; Deno
 * without `--allow-env` (or with it for some names only) throws on every denied read. Either
 * way a variable counts as unset, so importing edgepg and configuring a client never fail for
 * lack of a permission the connection does not need.
 */

export type Env = Record<string, string | undefined>;

/** `process.env[name]`, or undefined where there is no environment or reading it is denied. */
export function envVar(name: string): string | undefined {
  try {
    if (typeof process === 'undefined' || !process.env) return undefined;
    return process.env[name];
  } catch {
    return undefined;
  }
}

/** The environment as a record whose missing or denied variables read as undefined. */
export function processEnv(): Env {
  return new Proxy({} as Env, {
    get: (_target, name) => (typeof name === 'string' ? envVar(name) : undefined),
  });
}
