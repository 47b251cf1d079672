/**
 * Smoke entry for Chromium (bundled by esbuild for the browser): exposes `window.edgepgSmoke`,
 * which the page's driver calls with the target.
 */
import { globalsSnapshot, runSmoke } from './checks.mjs';

// Taken before edgepg loads (the dynamic import below is inlined by esbuild and evaluated only
// when first awaited): what the browser itself provides.
const before = globalsSnapshot();

globalThis.edgepgSmoke = async (target) => {
  const lib = await import('../../../../dist/index.js');
  const results = await runSmoke(lib, target);
  return { before, after: globalsSnapshot(), results };
};
