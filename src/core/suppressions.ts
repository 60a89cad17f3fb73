/**
 * Inline suppressions: `# ml-hygiene: ignore[MLH101]` (or `ignore[MLH101, MLH102]`, or bare
 * `ignore` for every rule) on the finding's line, and `# ml-hygiene: ignore-file[MLH203]` anywhere
 * in the file. Works for Python, TOML, YAML and requirements files, which all use `#` comments.
 */
const DIRECTIVE = /#\s*ml-hygiene:\s*(ignore-file|ignore)(?:\[([^\]]*)\])?/g;

export interface SuppressionDirective {
  kind: 'ignore' | 'ignore-file';
  /** Undefined means every rule. */
  codes: string[] | undefined;
  line: number;
  start: number; // character in line
  end: number;
}

export function parseSuppressions(text: string): SuppressionDirective[] {
  const out: SuppressionDirective[] = [];
  if (!text.includes('ml-hygiene')) return out;
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((lineText, line) => {
    if (!lineText.includes('ml-hygiene')) return;
    for (const m of lineText.matchAll(DIRECTIVE)) {
      const codes = m[2]?.split(',').map((c) => c.trim()).filter(Boolean);
      out.push({ kind: m[1] as 'ignore' | 'ignore-file', codes, line, start: m.index!, end: m.index! + m[0].length });
    }
  });
  return out;
}

export function isSuppressed(directives: SuppressionDirective[], code: string, line: number, cellFirstLine = -1): boolean {
  return directives.some((d) => {
    const covers = !d.codes || d.codes.some((c) => code.startsWith(c));
    if (!covers) return false;
    if (d.kind === 'ignore-file') return true;
    return d.line === line || d.line === cellFirstLine;
  });
}
