import type { TextEdit } from '../../diagnostics';
import type { DeclaredRequirement } from '../../pyproject/declaredRequirement';
import type { RuleDefinition } from '../rule';
import type { DependencyContext } from './context';
import { parsedOf, requirementRange } from './shared';

/**
 * Deleting a requirement must take its list separator and its own line with it, and nothing else:
 * in TOML the element with its trailing comma (or the preceding comma for the last element); in a
 * requirements file the whole line.
 */
function deletionEdit(ctx: DependencyContext, req: DeclaredRequirement): TextEdit | undefined {
  const text = ctx.textOf(req.path);
  const li = ctx.lineIndexOf(req.path);
  // A Poetry `name = ...` entry cannot repeat within one table (TOML forbids it); no deletion to offer.
  if (text === undefined || !li || req.pinReplaces) return undefined;
  const isToml = req.path === ctx.pyproject?.path;
  let start = req.start;
  let end = req.end;
  if (isToml) {
    // Step outside the quotes.
    while (start > 0 && text[start - 1] !== '"' && text[start - 1] !== "'") start--;
    start--;
    while (end < text.length && text[end] !== '"' && text[end] !== "'") end++;
    end++;
    const after = /^[ \t]*,/.exec(text.slice(end));
    if (after) end += after[0].length;
    else {
      const before = /,[ \t\r\n]*$/.exec(text.slice(0, start));
      if (before) start -= before[0].length;
    }
  }
  // When the requirement is alone on its line (plus an optional comment), remove the whole line.
  const startLine = li.positionAt(start).line;
  const endLine = li.positionAt(end).line;
  const lineStart = li.lineStart(startLine);
  const lineEnd = li.lineEnd(endLine);
  if (/^[ \t]*$/.test(text.slice(lineStart, start)) && /^[ \t]*(#.*)?$/.test(text.slice(end, lineEnd))) {
    if (endLine + 1 < li.lineCount) return { range: { start: { line: startLine, character: 0 }, end: { line: endLine + 1, character: 0 } }, newText: '' };
    // The last line has no line break to take along (and no next line to end on): take the line
    // break before it instead, so the file does not keep an empty last line.
    return { range: li.rangeOf(startLine > 0 ? li.lineEnd(startLine - 1) : 0, text.length), newText: '' };
  }
  return { range: li.rangeOf(start, end), newText: '' };
}

export const duplicateDependency: RuleDefinition<DependencyContext> = {
  code: 'MLH106',
  name: 'duplicate-dependency',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects: 'The same distribution (by PEP 503 normalized name, so `scikit_learn` = `Scikit-Learn`) listed twice in one group with the same environment marker.',
    why: 'Two entries can carry different specifiers; which one wins depends on the tool, and a later edit to one of them silently does nothing.',
    example: '[project]\ndependencies = [\n  "scikit-learn>=1.3",\n  "scikit_learn==1.5.2",  # MLH106\n]',
    exampleLanguage: 'toml',
    fix: '**Remove duplicate** deletes the later entry (with its separator and line).',
  },
  check(ctx, report) {
    const seen = new Map<string, DeclaredRequirement>();
    for (const req of ctx.allRequirements) {
      const r = parsedOf(req);
      if (!r) continue;
      // Different markers are the documented way to split a requirement by platform or Python version.
      const key = `${req.path}\u0000${req.group}\u0000${r.normalizedName}\u0000${(r.marker ?? '').replace(/\s+/g, '')}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, req);
        continue;
      }
      const edit = deletionEdit(ctx, req);
      const line = (ctx.lineIndexOf(first.path)?.positionAt(first.start).line ?? 0) + 1;
      report({
        path: req.path,
        range: requirementRange(ctx, req),
        message: `\`${r.name}\` is already listed in ${req.group} (line ${line}).`,
        ...(edit ? { fixes: [{ title: `Remove duplicate \`${req.raw.trim()}\``, edit: { operations: [{ kind: 'edit', path: req.path, edits: [edit] }] } }] } : {}),
      });
    }
  },
};
