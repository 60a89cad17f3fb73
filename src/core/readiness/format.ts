import type { Pillar } from '../diagnostics';
import { relativePath } from '../fs/paths';
import type { Range } from '../text/lineIndex';
import type { ReadinessReport } from './index';

export interface ReadinessCheckJson {
  id: string;
  passed: boolean;
  applicable: boolean;
  weight: number;
  message: string;
  /** Relative to the working directory, posix; null when the check points at no file. */
  file: string | null;
  cell: number | null;
  range: Range | null;
  code: string | null;
  codes: string[];
  /** 0-1 for a check scored by a figure (annotation coverage), null for pass/fail checks. */
  share: number | null;
}

export interface PillarJson {
  name: Pillar;
  score: number | null;
  weight: number;
  checks: ReadinessCheckJson[];
}

export interface ProjectReadinessJson {
  root: string;
  score: number;
  pillars: PillarJson[];
}

/** `ml-hygiene readiness --format json`: every project, and the first project's score and pillars at the top (the badge's numbers). */
export interface ReadinessJson {
  version: 1;
  projects: ProjectReadinessJson[];
  score: number | null;
  pillars: PillarJson[];
}

export function toReadinessJson(reports: ReadinessReport[], cwd: string): ReadinessJson {
  const projects = reports.map((r) => ({
    root: relativePath(cwd, r.projectRoot),
    score: r.score,
    pillars: r.pillars.map((p) => ({
      name: p.name,
      score: p.score,
      weight: p.weight,
      checks: p.checks.map((c) => ({
        id: c.id,
        passed: c.passed,
        applicable: c.applicable,
        weight: c.weight,
        message: c.message,
        file: c.file ? relativePath(cwd, c.file) : null,
        cell: c.cell ?? null,
        range: c.range ?? null,
        code: c.code ?? null,
        codes: c.codes,
        share: c.share ?? null,
      })),
    })),
  }));
  return { version: 1, projects, score: projects[0]?.score ?? null, pillars: projects[0]?.pillars ?? [] };
}

/** A terminal summary: the score, then each pillar with its failing checks first. */
export function formatReadinessText(reports: ReadinessReport[], cwd: string, color = false): string {
  const paint = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const tone = (score: number) => (score >= 80 ? '32' : score >= 50 ? '33' : '31');
  const bar = (score: number) => '█'.repeat(Math.round(score / 10)) + '░'.repeat(10 - Math.round(score / 10));
  const out: string[] = [];
  if (!reports.length) return 'No Python project found: readiness is scored per project, a folder with a pyproject.toml, setup.py, setup.cfg, requirements*.txt or dvc.yaml, or a git repository\'s root.';
  for (const r of reports) {
    if (out.length) out.push('');
    out.push(`${paint('1', `Readiness ${paint(tone(r.score), String(r.score))}/100`)}  ${relativePath(cwd, r.projectRoot)}`);
    for (const p of r.pillars) {
      const label = p.name.padEnd(13);
      if (p.score === null) {
        out.push(`  ${label} ${paint('2', '  -  not applicable')}`);
        continue;
      }
      out.push(`  ${label} ${paint(tone(p.score), String(p.score).padStart(3))}  ${paint(tone(p.score), bar(p.score))}`);
      const applicable = p.checks.filter((c) => c.applicable);
      for (const c of [...applicable.filter((c) => !c.passed), ...applicable.filter((c) => c.passed)]) {
        const where = c.file ? ` (${relativePath(cwd, c.file)}${c.cell !== undefined ? `[cell ${c.cell}]` : ''}${c.range ? `:${c.range.start.line + 1}` : ''})` : '';
        const mark = c.passed ? paint('32', '✓') : paint('31', '✗');
        out.push(`    ${mark} ${c.id.padEnd(22)} ${c.passed ? paint('2', c.message) : c.message + paint('2', where)}`);
      }
    }
  }
  return out.join('\n');
}
