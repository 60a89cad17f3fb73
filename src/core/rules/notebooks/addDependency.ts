import type { Fix, TextEdit } from '../../diagnostics';
import { basename } from '../../fs/paths';
import type { PyprojectFile } from '../../pyproject/pyprojectFile';
import { LineIndex } from '../../text/lineIndex';

/** Where "Add `<dist>` to dependencies" writes: `[project].dependencies`, else a runtime requirements file. */
export interface DependencyTarget {
  pyproject?: PyprojectFile;
  requirementsFile?: { path: string; text: string };
}

/**
 * The one-edit fix that declares `requirement` (a PEP 508 string such as `scikit-learn` or
 * `transformers==4.44.2`) as a runtime dependency, keeping the file's formatting: in a multi-line
 * array the new element goes on its own line with the last element's indentation and quote style;
 * in a one-line array it is appended after `, `. Undefined when there is nowhere sensible to write
 * (e.g. a Poetry-only pyproject, whose dependency tables are not PEP 508 arrays).
 */
export function addDependencyFix(target: DependencyTarget, requirement: string, distribution: string): Fix | undefined {
  const title = `Add \`${distribution}\` to dependencies`;
  const fromPyproject = target.pyproject ? pyprojectInsertion(target.pyproject, requirement) : undefined;
  if (fromPyproject) return { title, isPreferred: true, edit: { operations: [{ kind: 'edit', path: target.pyproject!.path, edits: [fromPyproject] }] } };
  if (target.requirementsFile) {
    const { path, text } = target.requirementsFile;
    const li = new LineIndex(text);
    const nl = text.includes('\r\n') ? '\r\n' : '\n';
    const at = li.positionAt(text.length);
    const newText = (text === '' || text.endsWith('\n') ? '' : nl) + requirement + nl;
    return { title: `${title} (${basename(path)})`, isPreferred: true, edit: { operations: [{ kind: 'edit', path, edits: [{ range: { start: at, end: at }, newText }] }] } };
  }
  return undefined;
}

function pyprojectInsertion(pyproject: PyprojectFile, requirement: string): TextEdit | undefined {
  const doc = pyproject.toml;
  if (!doc.ast) return undefined;
  const text = doc.text;
  const li = new LineIndex(text);
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const deps = doc.find(['project', 'dependencies']);
  if (deps) {
    const arr = deps.value;
    if (arr.type !== 'TOMLArray') return undefined; // a type error MLH113 reports; do not guess
    const last = arr.elements[arr.elements.length - 1];
    const quote = last && last.type === 'TOMLValue' && last.kind === 'string' && last.style === 'literal' ? "'" : '"';
    const literal = `${quote}${requirement}${quote}`;
    const openLine = li.positionAt(arr.range[0]).line;
    const closeLine = li.positionAt(arr.range[1] - 1).line;
    if (!last) {
      if (closeLine === openLine) return insertAt(li, arr.range[0] + 1, literal);
      // `dependencies = [\n]`: one element on its own line, indented like a TOML array usually is.
      return insertAt(li, arr.range[0] + 1, `${nl}    ${literal},`);
    }
    let at = last.range[1];
    const trailing = /^[ \t]*,/.exec(text.slice(at));
    const multiline = closeLine > li.positionAt(last.range[1]).line;
    if (multiline) {
      const indent = /^[ \t]*/.exec(li.lineText(li.positionAt(last.range[0]).line))![0];
      if (trailing) at += trailing[0].length;
      // A comment after the last element stays on its line: the new element goes on the next line.
      const lineEnd = li.lineEnd(li.positionAt(at).line);
      const rest = text.slice(at, lineEnd);
      if (/^[ \t]*#/.test(rest)) {
        if (trailing) return insertAt(li, lineEnd, `${nl}${indent}${literal},`);
        // `"x"  # note` becomes `"x",  # note` + the new line: one edit from the element's end to the line's end.
        return { range: li.rangeOf(at, lineEnd), newText: `,${rest}${nl}${indent}${literal}` };
      }
      return insertAt(li, at, `${trailing ? '' : ','}${nl}${indent}${literal}${trailing ? ',' : ''}`);
    }
    return insertAt(li, at, `, ${literal}`);
  }
  const project = doc.tableHeader(['project']);
  if (!project) return undefined;
  // `[project]` without `dependencies`: a new key right under the header is valid wherever the table's keys are.
  const headerEnd = li.lineEnd(li.positionAt(project.key.range[1]).line);
  return insertAt(li, headerEnd, `${nl}dependencies = ["${requirement}"]`);
}

function insertAt(li: LineIndex, offset: number, newText: string): TextEdit {
  const p = li.positionAt(offset);
  return { range: { start: p, end: p }, newText };
}
