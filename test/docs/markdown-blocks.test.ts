/**
 * The Markdown side of the documentation examples: which fenced blocks run, which are skipped
 * (and why), how continuation joins blocks, and which mistakes are reported.
 */
import { describe, expect, it } from 'vitest';
import { extractBlocks, parseMarker, planFile } from './markdown-blocks.js';

const fence = '```';

describe('parseMarker', () => {
  it('reads the two markers and treats other lines as no marker', () => {
    expect(parseMarker('<!-- example: not run (needs a certificate file) -->')).toEqual({
      kind: 'not-run',
      reason: 'needs a certificate file',
    });
    expect(parseMarker('  <!--example: continues-->  ')).toEqual({ kind: 'continues' });
    expect(parseMarker('Some prose.')).toEqual({ kind: 'run' });
    expect(parseMarker('<!-- a comment that is not a marker -->')).toEqual({ kind: 'run' });
  });

  it('rejects a "not run" without a reason and unknown markers', () => {
    expect(parseMarker('<!-- example: not run () -->')).toMatch(/reason/);
    expect(parseMarker('<!-- example: not run -->')).toMatch(/unknown example marker "not run"/);
    expect(parseMarker('<!-- example: skip -->')).toMatch(/unknown example marker "skip"/);
  });
});

describe('extractBlocks', () => {
  it('returns each block with its line, language, code and the marker right above it', () => {
    const md = [
      '# Title',
      '',
      '<!-- example: not run (installs packages) -->',
      `${fence}sh`,
      'npm install edgepg',
      fence,
      'Prose.',
      '',
      `${fence}TS title="x"`,
      'const a = 1;',
      '',
      'console.log(a);',
      fence,
      '~~~',
      `${fence} inside a tilde fence stays code`,
      '~~~',
    ].join('\n');
    const { blocks, errors } = extractBlocks(md);
    expect(errors).toEqual([]);
    expect(blocks).toEqual([
      {
        line: 4,
        lang: 'sh',
        code: 'npm install edgepg',
        marker: { kind: 'not-run', reason: 'installs packages' },
      },
      { line: 9, lang: 'ts', code: 'const a = 1;\n\nconsole.log(a);', marker: { kind: 'run' } },
      { line: 14, lang: '', code: `${fence} inside a tilde fence stays code`, marker: { kind: 'run' } },
    ]);
  });

  it('strips the fence indentation of blocks inside lists', () => {
    const { blocks } = extractBlocks(
      ['- item', '', `   ${fence}js`, '   let x = 1;', '     x++;', `   ${fence}`].join('\n'),
    );
    expect(blocks[0].code).toBe('let x = 1;\n  x++;');
  });

  it('reports an unclosed fence, a bad marker and a marker not above a fence', () => {
    const md = [
      '<!-- example: skip -->',
      `${fence}ts`,
      'x',
      fence,
      '<!-- example: continues -->',
      'prose',
      `${fence}ts`,
      'y',
    ];
    const { errors } = extractBlocks(md.join('\n'));
    expect(errors).toEqual([
      { line: 2, message: expect.stringMatching(/unknown example marker/) },
      { line: 5, message: 'an example marker must be right above a code fence' },
      { line: 7, message: 'code fence is never closed' },
    ]);
  });
});

describe('planFile', () => {
  it('joins continued blocks, lists blocks not run, and flags blocks that cannot run unmarked', () => {
    const md = [
      `${fence}ts`,
      'const a = 1;',
      fence,
      '<!-- example: continues -->',
      `${fence}ts`,
      'console.log(a);',
      fence,
      `${fence}js`,
      'console.log(2);',
      fence,
      '<!-- example: not run (a fragment that only shows a type) -->',
      `${fence}ts`,
      'type T = 1;',
      fence,
      `${fence}sh`,
      'npx edgepg dev',
      fence,
      '<!-- example: continues -->',
      `${fence}ts`,
      'console.log(3);',
      fence,
    ].join('\n');
    const plan = planFile('DOC.md', md);
    expect(plan.programs).toEqual([
      { file: 'DOC.md', lang: 'ts', lines: [1, 5], code: 'const a = 1;\nconsole.log(a);' },
      { file: 'DOC.md', lang: 'js', lines: [8], code: 'console.log(2);' },
    ]);
    expect(plan.notRun).toEqual([
      { file: 'DOC.md', line: 12, lang: 'ts', reason: 'a fragment that only shows a type' },
    ]);
    expect(plan.problems).toEqual([
      { file: 'DOC.md', line: 15, message: expect.stringMatching(/"sh" block cannot run/) },
      { file: 'DOC.md', line: 19, message: '"continues" follows no run block' },
    ]);
  });
});
