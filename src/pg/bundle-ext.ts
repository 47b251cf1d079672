/**
 * Neon's `_bundleExt`: which of the package's two builds this copy is, `'mjs'` (ESM) or `'js'`
 * (CJS), so a process can tell when it has loaded both (the dual-package hazard). The build
 * defines `__EDGEPG_BUNDLE_EXT__` per format; unbuilt sources (tests) are ESM.
 */
declare const __EDGEPG_BUNDLE_EXT__: 'js' | 'mjs' | undefined;

export const _bundleExt: 'js' | 'mjs' =
  typeof __EDGEPG_BUNDLE_EXT__ === 'string' ? __EDGEPG_BUNDLE_EXT__ : 'mjs';
