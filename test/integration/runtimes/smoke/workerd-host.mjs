/**
 * Runs the workerd bundle under Miniflare (which ships workerd from npm) and prints its report.
 * Usage: node workerd-host.mjs <bundle.js> '<json target>'
 */
import { readFileSync } from 'node:fs';
import { Miniflare } from 'miniflare';

const [bundle, target] = process.argv.slice(2);
const mf = new Miniflare({
  // Listed, not discovered: Miniflare's module walker rejects the driver's non-literal
  // `import('ws')` (a Node-only fallback that never runs in a worker).
  modules: [{ type: 'ESModule', path: 'smoke-worker.js', contents: readFileSync(bundle, 'utf8') }],
  // No compatibility flags: a plain worker, without nodejs_compat's Buffer and process.
  compatibilityDate: '2026-07-01',
});
try {
  const response = await mf.dispatchFetch('http://smoke.local/', { method: 'POST', body: target });
  const text = await response.text();
  if (!response.ok) throw new Error(`worker answered ${response.status}: ${text}`);
  console.log(`SMOKE ${text}`);
} finally {
  await mf.dispose();
}
