// Compiled by test/build/dist.test.ts against the published CJS types.
import edgepg = require('edgepg');

const text: string = edgepg.escapeIdentifier('t');
const code: edgepg.EdgePgErrorCode = new edgepg.ParameterError('x').code;

export { code, text };

// pg's deep paths as CommonJS sees them: each module is the value itself (`export =`).
import LibResult = require('edgepg/lib/result');
import libUtils = require('edgepg/lib/utils.js');
import libPg = require('edgepg/lib/index');

const libResult: edgepg.Result = new LibResult();
const prepared = libUtils.prepareValue([1]);
const libPool: edgepg.Pool = new libPg.Pool();
const nativeBinding: null = libPg.native;

export { libPool, libResult, nativeBinding, prepared };
