import type { Finding } from '../core/diagnostics';
import { relativePath } from '../core/fs/paths';

export interface JsonDiagnostic {
  file: string;
  cell: number | null;
  range: Finding['range'];
  code: string;
  severity: Finding['severity'];
  message: string;
}

/** The JSON shape of DESIGN.md: a contract for CI users, keep it stable. */
export function toJson(findings: Finding[], cwd: string): { version: 1; diagnostics: JsonDiagnostic[] } {
  return {
    version: 1,
    diagnostics: findings.map((f) => ({
      file: relativePath(cwd, f.path),
      cell: f.cell ?? null,
      range: f.range,
      code: f.code,
      severity: f.severity,
      message: f.message,
    })),
  };
}

const LABEL: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', information: 'info', hint: 'hint' };

/** One line per finding, `file:line:col` 1-based like compilers, so terminals make them clickable. */
export function toText(findings: Finding[], cwd: string, color: boolean): string {
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const sevColor: Record<Finding['severity'], string> = { error: '31', warning: '33', information: '36', hint: '2' };
  const lines = findings.map((f) => {
    const where = `${relativePath(cwd, f.path)}${f.cell !== undefined ? `[cell ${f.cell}]` : ''}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
    return `${paint('1', where)}: ${paint(sevColor[f.severity], LABEL[f.severity])} ${paint('1', f.code)} ${f.message}`;
  });
  const counts = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const f of findings) counts[f.severity]++;
  const files = new Set(findings.map((f) => f.path)).size;
  lines.push(
    findings.length
      ? `Found ${findings.length} problem${findings.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} (${counts.error} errors, ${counts.warning} warnings, ${counts.information} info, ${counts.hint} hints).`
      : 'No problems found.',
  );
  return lines.join('\n');
}
