import type { Fix, TextEdit } from '../diagnostics';
import type { DeclaredRequirement } from '../pyproject/declaredRequirement';
import type { LineIndex } from '../text/lineIndex';
import { pinSourceFor, type DependencyContext, type PinSource } from '../rules/dependencies/context';

export type PinOperator = '==' | '~=';

/**
 * The one text edit that pins a requirement: it replaces only the specifier characters (or inserts
 * them right after the name and extras), so quotes, extras, markers and comments stay as written.
 */
export function pinTextEdit(req: DeclaredRequirement, version: string, lineIndex: LineIndex, operator: PinOperator = '=='): TextEdit | undefined {
  if (!req.parsed.ok) return undefined;
  const r = req.parsed.requirement;
  if (r.url) return undefined; // a direct reference has no version to pin
  const newSpec = `${operator}${version}`;
  if (req.pinReplaces) return { range: lineIndex.rangeOf(req.pinReplaces.start, req.pinReplaces.end), newText: newSpec };
  if (r.specifierSpan) {
    const start = req.toFileOffset(r.specifierSpan.start);
    const end = req.toFileOffset(r.specifierSpan.end);
    return { range: lineIndex.rangeOf(start, end), newText: newSpec };
  }
  const at = req.toFileOffset(r.insertSpecifierAt);
  return { range: lineIndex.rangeOf(at, at), newText: newSpec };
}

/**
 * Keeps a trailing comment in its column after a pin lengthens or shortens the requirement: the run
 * of spaces before `#` shrinks (down to two) or grows by as much. Only comments padded with three or
 * more spaces count as aligned; `pandas  # note` keeps its two spaces. A separate, whitespace-only
 * edit, so the pin edit still touches nothing but the specifier.
 */
export function commentAlignmentEdit(req: DeclaredRequirement, pin: TextEdit, lineIndex: LineIndex): TextEdit | undefined {
  const text = lineIndex.text;
  const line = pin.range.start.line;
  if (pin.range.end.line !== line) return undefined;
  const end = req.end;
  if (lineIndex.positionAt(end).line !== line) return undefined;
  // After the requirement: the closing quote and comma in TOML, nothing in a requirements file; then the padding and `#`.
  const m = /^((?:["'][ \t]*,?)?)( +)#/.exec(text.slice(end, lineIndex.lineEnd(line)));
  if (!m) return undefined;
  const padding = m[2]!.length;
  if (padding < 3) return undefined;
  const delta = pin.newText.length - (lineIndex.offsetAt(pin.range.end) - lineIndex.offsetAt(pin.range.start));
  const wanted = delta > 0 ? Math.max(padding - delta, 2) : padding - delta;
  if (wanted === padding) return undefined;
  const padStart = end + m[1]!.length;
  return { range: lineIndex.rangeOf(padStart, padStart + padding), newText: ' '.repeat(wanted) };
}

export function pinnedRequirementText(req: DeclaredRequirement, version: string, operator: PinOperator = '=='): string | undefined {
  if (!req.parsed.ok) return undefined;
  const r = req.parsed.requirement;
  if (req.pinReplaces) return `${r.name} = "${operator}${version}"`;
  if (r.specifierSpan) return req.raw.slice(0, r.specifierSpan.start) + operator + version + req.raw.slice(r.specifierSpan.end);
  return req.raw.slice(0, r.insertSpecifierAt) + operator + version + req.raw.slice(r.insertSpecifierAt);
}

export function relockNote(source: PinSource): string | undefined {
  return source.relockCommand ? `${source.from} no longer matches the manifest: run \`${source.relockCommand}\`.` : undefined;
}

/** The quick fix(es) for one requirement: `==locked` (preferred) and, for open ranges, `~=locked`. */
export function pinFixes(ctx: DependencyContext, req: DeclaredRequirement, withCompatible: boolean): Fix[] {
  if (!req.parsed.ok) return [];
  const source = pinSourceFor(ctx, req.parsed.requirement.normalizedName);
  const li = ctx.lineIndexOf(req.path);
  if (!source || !li) return [];
  const fixes: Fix[] = [];
  const ops: PinOperator[] = withCompatible ? ['==', '~='] : ['=='];
  for (const op of ops) {
    const edit = pinTextEdit(req, source.version, li, op);
    if (!edit) continue;
    const note = relockNote(source);
    const align = commentAlignmentEdit(req, edit, li);
    fixes.push({
      title: `${op === '==' ? 'Pin dependency' : 'Constrain dependency'}: ${pinnedRequirementText(req, source.version, op)}`,
      edit: { operations: [{ kind: 'edit', path: req.path, edits: align ? [edit, align] : [edit] }] },
      isPreferred: op === '==',
      ...(note ? { note } : {}),
      ...(source.relockCommand ? { command: { id: 'mlHygiene.afterPin', title: 'Re-lock', arguments: [{ lockfile: source.from, command: source.relockCommand, cwd: ctx.project.root }] } } : {}),
    });
  }
  return fixes;
}
