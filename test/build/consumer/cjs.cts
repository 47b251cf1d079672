// Compiled by test/build/dist.test.ts against the published CJS types.
import edgepg = require('edgepg');

const text: string = edgepg.escapeIdentifier('t');
const code: edgepg.EdgePgErrorCode = new edgepg.ParameterError('x').code;

export { code, text };
