/**
 * Edits never lose data: Pin on generated pyproject.toml files full of comments, extras, markers,
 * both quote styles and odd spacing. The generator records where it wrote every requirement, so the
 * test knows independently of the core which bytes Pin may touch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse as parseToml } from 'smol-toml';
import { Engine } from '../../../src/core/engine';
import { collectPins } from '../../../src/core/fixes/pinPlan';
import { MemoryFileSystem } from '../../../src/core/fs/memoryFileSystem';
import { parseRequirement } from '../../../src/core/python/pep508';
import { normalizeName } from '../../../src/core/python/pep503';
import { LineIndex } from '../../../src/core/text/lineIndex';

const NAMES = ['pandas', 'numpy', 'scikit-learn', 'torch', 'requests', 'Flask', 'zope.interface', 'typing_extensions', 'PyYAML', 'ruamel.yaml', 'opencv-python', 'My_Pkg'];
const SPECIFIERS = ['', '>=1.0', '>1.2', '>=1.0,!=1.5', ' >= 1.0 ', '==2.0.1', '~=1.4', '<3', '>=1,<2', '!=1.3'];
const MARKERS = [undefined, "python_version >= '3.10'", "sys_platform == 'linux' and python_version < '3.13'"];
const COMMENTS = ['', '  # keep me', '  # a "quoted" comment, with = signs and [brackets]', ' #no space'];
const VERSIONS = ['1.0.0', '2.3.4', '10.0', '0.9.1rc1', '2024.1.15'];

interface GeneratedDep {
  name: string;
  extras: string[];
  spec: string;
  parenthesized: boolean;
  marker: string | undefined;
  quote: '"' | "'";
  comment: string;
}

const depArb = (name: string): fc.Arbitrary<GeneratedDep> =>
  fc.record({
    name: fc.constant(name),
    extras: fc.subarray(['security', 'socks', 'gpu']),
    spec: fc.constantFrom(...SPECIFIERS),
    parenthesized: fc.boolean(),
    marker: fc.constantFrom(...MARKERS),
    quote: fc.constantFrom('"' as const, "'" as const),
    comment: fc.constantFrom(...COMMENTS),
  });

const inputArb = fc
  .uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 10, selector: normalizeName })
  .chain((names) =>
    fc.record({
      deps: fc.tuple(...names.map(depArb)),
      locked: fc.tuple(...names.map(() => fc.option(fc.constantFrom(...VERSIONS), { nil: undefined, freq: 5 }))),
      blankLines: fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }),
      inlineArray: fc.boolean(),
    }),
  );

function requirementText(d: GeneratedDep): string {
  const extras = d.extras.length ? `[${d.extras.join(', ')}]` : '';
  const spec = d.spec && d.parenthesized ? ` (${d.spec.trim()})` : d.spec;
  return `${d.name}${extras}${spec}${d.marker ? ` ; ${d.marker}` : ''}`;
}

/** The pyproject text and, for each runtime dependency, where its string content lies in the file. */
function renderPyproject(deps: GeneratedDep[], blankLines: boolean[], inlineArray: boolean): { text: string; spans: Array<{ start: number; end: number }> } {
  let text = '# Project manifest — comments must survive pinning\n[project]\nname = "pin-target"  # the name\nversion = "0.1.0"\nrequires-python = ">=3.10"\n';
  const spans: Array<{ start: number; end: number }> = [];
  text += inlineArray ? 'dependencies = [' : 'dependencies = [  # runtime\n';
  deps.forEach((d, i) => {
    if (!inlineArray && blankLines[i]) text += '\n    # a comment line between requirements\n';
    const req = requirementText(d);
    // A single-quoted TOML literal cannot hold a single quote (markers use them): fall back to double quotes.
    const quote = req.includes("'") ? '"' : d.quote;
    text += inlineArray ? (i ? ', ' : '') : '    ';
    text += quote;
    spans.push({ start: text.length, end: text.length + req.length });
    text += req + quote;
    if (!inlineArray) text += `,${d.comment}\n`;
  });
  text += inlineArray ? ']\n' : ']\n';
  text += '\n[project.optional-dependencies]\ngpu = ["cupy-cuda12x", "nvidia-nccl>=2"]  # optional extras are runtime too; these have no locked version, so they stay\n\n[dependency-groups]\ndev = ["pytest", "ruff>=0.5"]\n\n[tool.other]\nkeep = { a = 1, b = "x" }\n';
  return { text, spans };
}

function renderUvLock(deps: GeneratedDep[], locked: Array<string | undefined>): string {
  const blocks = deps
    .map((d, i) => ({ name: normalizeName(d.name), version: locked[i] }))
    .filter((p): p is { name: string; version: string } => p.version !== undefined)
    .map((p) => `[[package]]\nname = "${p.name}"\nversion = "${p.version}"\nsource = { registry = "https://pypi.org/simple" }\n`);
  return `version = 1\nrevision = 2\nrequires-python = ">=3.10"\n\n[[package]]\nname = "pin-target"\nversion = "0.1.0"\nsource = { editable = "." }\n\n${blocks.join('\n')}`;
}

/** What Pin all may pin: a runtime requirement with no specifier or only lower bounds / exclusions. */
function eligible(spec: string): boolean {
  const clauses = spec.split(',').map((c) => c.trim()).filter(Boolean);
  return clauses.every((c) => c.startsWith('>=') || (c.startsWith('>') && !c.startsWith('>=')) || c.startsWith('!='));
}

test('Pin changes only specifier characters inside runtime requirements and keeps every other byte', async () => {
  let pinnedTotal = 0;
  await fc.assert(
    fc.asyncProperty(inputArb, async ({ deps, locked, blankLines, inlineArray }) => {
      const { text, spans } = renderPyproject(deps, blankLines, inlineArray);
      const fs = new MemoryFileSystem({ '/p/pyproject.toml': text, '/p/uv.lock': renderUvLock(deps, locked), '/p/.python-version': '3.11\n' });
      const engine = new Engine({ fs, workspaceRoot: '/p', trusted: false });
      const plan = await collectPins(engine, {});
      const li = new LineIndex(text);

      const edits = plan.pins.map((p) => {
        assert.equal(p.path, '/p/pyproject.toml', 'Pin edits only the manifest');
        return { start: li.offsetAt(p.edit.range.start), end: li.offsetAt(p.edit.range.end), newText: p.edit.newText, pin: p };
      });
      edits.sort((a, b) => a.start - b.start);
      for (let i = 1; i < edits.length; i++) assert.ok(edits[i]!.start >= edits[i - 1]!.end, 'edits overlap');

      // Every edit lies inside one requirement's string content, and replaces only specifier text.
      const pinnedIndex = new Map<number, string>();
      for (const e of edits) {
        const owner = spans.findIndex((s) => e.start >= s.start && e.end <= s.end);
        assert.ok(owner >= 0, `edit ${e.start}..${e.end} (${JSON.stringify(text.slice(e.start, e.end))}) is not inside a runtime requirement`);
        assert.match(text.slice(e.start, e.end), /^[\s<>=!~.,0-9a-z*+]*$/i, 'the replaced text is a specifier');
        assert.match(e.newText, /^==\S+$/, 'the new text is an exact pin');
        pinnedIndex.set(owner, e.newText.slice(2));
      }

      // Rebuild independently of the core: splice the edits into the original text.
      let after = '';
      let cursor = 0;
      for (const e of edits) {
        after += text.slice(cursor, e.start) + e.newText;
        cursor = e.end;
      }
      after += text.slice(cursor);
      // Bytes outside the edited spans: everything between edits is the original, in order.
      let probe = 0;
      let cursorAfter = 0;
      for (const e of edits) {
        const kept = text.slice(probe, e.start);
        assert.equal(after.slice(cursorAfter, cursorAfter + kept.length), kept);
        cursorAfter += kept.length + e.newText.length;
        probe = e.end;
      }
      assert.equal(after.slice(cursorAfter), text.slice(probe));

      // The result parses, and differs from the original only in the pinned specifiers.
      const before = parseToml(text) as { project: { dependencies: string[] } } & Record<string, unknown>;
      const result = parseToml(after) as { project: { dependencies: string[] } } & Record<string, unknown>;
      assert.deepEqual({ ...result, project: { ...result.project, dependencies: [] } }, { ...before, project: { ...before.project, dependencies: [] } }, 'only project.dependencies may change');
      assert.equal(result.project.dependencies.length, before.project.dependencies.length);
      deps.forEach((d, i) => {
        const was = parseRequirement(before.project.dependencies[i]!);
        const now = parseRequirement(result.project.dependencies[i]!);
        assert.ok(was.ok && now.ok, `requirement ${i} parses before and after`);
        if (!was.ok || !now.ok) return;
        assert.equal(now.requirement.name, was.requirement.name);
        assert.deepEqual(now.requirement.extras, was.requirement.extras);
        assert.equal(now.requirement.marker, was.requirement.marker);
        const pinned = pinnedIndex.get(i);
        if (pinned === undefined) {
          assert.equal(result.project.dependencies[i], before.project.dependencies[i], `unpinned requirement ${i} is untouched`);
          // Pin leaves an eligible requirement alone only when no version is known for it.
          if (eligible(d.spec)) assert.equal(locked[i], undefined, `${requirementText(d)} is eligible and locked at ${locked[i]} but was not pinned`);
        } else {
          assert.ok(eligible(d.spec), `${requirementText(d)} has an upper bound or pin and must not be re-pinned`);
          assert.equal(pinned, locked[i], 'pinned to the locked version');
          assert.deepEqual(now.requirement.specifiers.map((s) => `${s.operator}${s.version}`), [`==${locked[i]}`]);
          pinnedTotal++;
        }
      });
    }),
    { seed: 7, numRuns: 150 },
  );
  assert.ok(pinnedTotal > 50, `the generator pinned only ${pinnedTotal} requirements: the property barely ran`);
});
