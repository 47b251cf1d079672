/**
 * Type-checks TypeScript examples as a user's strict project would see them: each is a module
 * inside the package, so `edgepg` resolves (node16 rules, package.json "exports") to the built
 * declaration files in `dist/`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';

const options: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  types: ['node'],
  skipLibCheck: true,
};

/** Writes `sources` (name → code) as .mts files into `dir` and returns tsc's messages. */
export async function typeCheck(dir: string, sources: Map<string, string>): Promise<string[]> {
  const files: string[] = [];
  for (const [name, code] of sources) {
    const file = join(dir, `${name}.mts`);
    await writeFile(file, code);
    files.push(file);
  }
  const program = ts.createProgram(files, options);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${diagnostic.file.fileName.slice(dir.length + 1)}(${line + 1},${character + 1}): ${message}`;
  });
}
