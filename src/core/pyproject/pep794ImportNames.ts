/**
 * PEP 794 `[project] import-names` / `import-namespaces`: each entry is a dotted import name, made of
 * Python identifiers that are not keywords, optionally followed by `; private`. A name may be listed
 * once across both keys, and every parent of a dotted name must be listed too (`a.b.c` needs `a` and
 * `a.b`). Offsets are in the decoded string values; the caller maps them into the TOML source.
 */

export interface ImportNameEntry {
  key: 'import-names' | 'import-namespaces';
  index: number;
  value: string;
}

export interface ImportNameProblem {
  entry: ImportNameEntry;
  start: number;
  end: number;
  message: string;
}

// Hard keywords of Python 3 (keyword.kwlist); soft keywords (match, case, type, _) are valid module names.
const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield',
]);

// Python identifiers (PEP 3131): XID_Start or `_`, then XID_Continue.
const IDENTIFIER = /^[\p{XID_Start}_][\p{XID_Continue}]*$/u;

interface ParsedEntry {
  entry: ImportNameEntry;
  name: string;
  nameStart: number;
}

export function checkImportNames(entries: ImportNameEntry[]): ImportNameProblem[] {
  const problems: ImportNameProblem[] = [];
  const valid: ParsedEntry[] = [];
  for (const entry of entries) {
    const v = entry.value;
    const semi = v.indexOf(';');
    const namePart = semi === -1 ? v : v.slice(0, semi);
    const nameStart = namePart.length - namePart.trimStart().length;
    const name = namePart.trim();
    if (semi !== -1) {
      const marker = v.slice(semi + 1);
      if (marker.trim() !== 'private') {
        const mStart = semi + 1 + (marker.length - marker.trimStart().length);
        const mEnd = Math.max(mStart, semi + 1 + marker.trimEnd().length);
        problems.push({ entry, start: marker.trim() ? mStart : semi, end: marker.trim() ? mEnd : semi + 1, message: `Only \`; private\` may follow an import name in \`${entry.key}\` (PEP 794), not \`;${marker}\`.` });
        continue;
      }
    }
    if (!name) {
      problems.push({ entry, start: 0, end: v.length, message: `An entry of \`${entry.key}\` is empty: give a dotted import name such as \`churn_model\`, or remove it.` });
      continue;
    }
    let offset = nameStart;
    let bad = false;
    for (const part of name.split('.')) {
      if (!IDENTIFIER.test(part) || KEYWORDS.has(part)) {
        const why = !part ? 'an empty part (two dots in a row, or a dot at an end)' : KEYWORDS.has(part) ? `the keyword \`${part}\`, which cannot be imported` : `\`${part}\`, which is not a Python identifier`;
        problems.push({ entry, start: offset, end: offset + Math.max(part.length, 1), message: `\`${name}\` in \`${entry.key}\` is not a valid import name: it has ${why}.` });
        bad = true;
        break;
      }
      offset += part.length + 1;
    }
    if (!bad) valid.push({ entry, name, nameStart });
  }

  const firstOf = new Map<string, ParsedEntry>();
  for (const p of valid) {
    const first = firstOf.get(p.name);
    if (first) {
      const where = first.entry.key === p.entry.key ? `already in \`${p.entry.key}\`` : `also in \`${first.entry.key}\`; a name is either a package or a namespace`;
      problems.push({ entry: p.entry, start: p.nameStart, end: p.nameStart + p.name.length, message: `\`${p.name}\` is ${where}: list it once (PEP 794).` });
    } else firstOf.set(p.name, p);
  }
  for (const p of valid) {
    if (firstOf.get(p.name) !== p) continue;
    const parts = p.name.split('.');
    const missing: string[] = [];
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('.');
      if (!firstOf.has(parent)) missing.push(parent);
    }
    if (missing.length) {
      const list = missing.map((m) => `\`${m}\``).join(' and ');
      problems.push({ entry: p.entry, start: p.nameStart, end: p.nameStart + p.name.length, message: `\`${p.name}\` needs its parent ${list} listed too, in \`import-names\` or \`import-namespaces\` (PEP 794).` });
    }
  }
  return problems;
}
