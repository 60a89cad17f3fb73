import type { Finding, Fix, Pillar, Severity } from '../diagnostics';
import type { Range } from '../text/lineIndex';

/**
 * One rule = one file under src/core/rules/<area>/, exporting a RuleDefinition with its code, docs
 * and fix beside the check (the shape of rust-analyzer's ide-diagnostics handlers). Each area has an
 * index.ts listing its rules; rules/registry.ts joins the areas.
 */
export interface RuleDocs {
  /** What the rule detects, one paragraph. */
  detects: string;
  /** Why it matters in production. */
  why: string;
  /** A small example that triggers the rule (fenced code without the fence). */
  example: string;
  exampleLanguage: 'toml' | 'python' | 'yaml' | 'text';
  /** What the fix does, or how to fix it by hand. */
  fix: string;
}

export interface RuleMeta {
  code: string;
  name: string;
  pillar: Pillar;
  defaultSeverity: Severity;
  docs: RuleDocs;
}

/** What a rule reports; the engine adds the code and resolves the severity from configuration. */
export interface FindingInput {
  path: string;
  cell?: number;
  range: Range;
  message: string;
  fixes?: Fix[];
  /** A severity that depends on the situation (e.g. libraries get MLH101 as information). Config still wins. */
  severity?: Severity;
  unnecessary?: boolean;
}

export type Report = (finding: FindingInput) => void;

export interface RuleDefinition<Ctx> extends RuleMeta {
  check(ctx: Ctx, report: Report): void | Promise<void>;
}

export function ruleDocsHref(code: string): string {
  return `https://github.com/ml-hygiene/ml-hygiene/blob/main/docs/rules/${code}.md`;
}

export type { Finding };
