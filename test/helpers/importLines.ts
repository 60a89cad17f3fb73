/**
 * Test-side reading of imports cells, independent of the core: which names an import line binds, and
 * what an imports cell may become when Extract empties or trims it. Shared by the execution test and
 * the data-safety property. Import statements hold no string literals, so the first `#` of an import
 * line starts its comment.
 */

const IMPORT_LINE = /^(import|from)\s/;
const MAGIC_LINE = /^[%!]/;

/** The names an import line binds: `import a.b as c` → c, `import a.b` → a, `from m import x as y, z` → y, z. */
export function namesOnImportLine(line: string): string[] {
  const code = line.replace(/#.*$/, '').trim();
  const plain = /^import\s+(.+)$/.exec(code);
  const from = /^from\s+\S+\s+import\s+\(?([^)]+)\)?$/.exec(code);
  const parts = (plain?.[1] ?? from?.[1] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  return parts.map((p) => (p.includes(' as ') ? p.split(/\s+as\s+/)[1]! : plain ? p.split('.')[0]! : p));
}

/** A cell of import statements, with comments and IPython magics around them at most. */
export function isImportsCell(source: string): boolean {
  const lines = source.split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith('#') && !MAGIC_LINE.test(l.trim()));
  return lines.length > 0 && lines.every((l) => IMPORT_LINE.test(l.trim()));
}

/** The comment at the end of an import line, as a line of its own. */
const commentOf = (line: string): string[] => (line.includes('#') ? [line.slice(line.indexOf('#')).trimEnd()] : []);

/** What an emptied imports cell must be: its comments and magic lines, a removed line's end comment as a line of its own; no blank lines. */
export function emptiedImportsCell(before: string): string {
  return before
    .split(/\r?\n/)
    .flatMap((l) => (l.trim().startsWith('#') || MAGIC_LINE.test(l.trim()) ? [l] : IMPORT_LINE.test(l.trim()) ? commentOf(l) : []))
    .join('\n');
}

/**
 * When `after` is `before` with some import lines removed (their end comments kept as lines) and some
 * imports left, the names the removed lines bound; else undefined.
 */
export function trimmedImportsCell(before: string, after: string): string[] | undefined {
  if (!isImportsCell(before) || after === before) return undefined;
  const kept = after.split('\n');
  let k = 0;
  const removed: string[] = [];
  for (const line of before.split(/\r?\n/)) {
    if (kept[k] === line) {
      k++;
      continue;
    }
    if (!IMPORT_LINE.test(line.trim())) return undefined;
    removed.push(...namesOnImportLine(line));
    for (const comment of commentOf(line)) if (kept[k++] !== comment) return undefined;
  }
  return k === kept.length && removed.length > 0 && kept.some((l) => IMPORT_LINE.test(l.trim())) ? removed : undefined;
}
