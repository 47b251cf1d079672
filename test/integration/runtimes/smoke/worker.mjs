/**
 * Smoke entry for Cloudflare's workerd (bundled by esbuild for the worker target, run by
 * Miniflare without `nodejs_compat`, so there is no `Buffer` and no `process`). POST the target
 * as JSON; the response is the suite's report.
 */
import { globalsSnapshot, runSmoke } from './checks.mjs';

// Taken before edgepg loads (the dynamic import below is inlined by esbuild and evaluated only
// when first awaited): what the runtime itself provides.
const before = globalsSnapshot();

export default {
  async fetch(request) {
    const target = await request.json();
    const lib = await import('../../../../dist/index.js');
    const results = await runSmoke(lib, target);
    return Response.json({ before, after: globalsSnapshot(), results });
  },
};
