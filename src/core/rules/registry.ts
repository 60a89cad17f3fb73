import type { RuleMeta } from './rule';
import { dependencyRules } from './dependencies';
import { dvcRules } from './dvc';
import { notebookRules, projectImportRules } from './notebooks';
import { structureRules } from './structure';

/**
 * Every rule of every area, for docs, configuration validation and SARIF. Each area keeps its own
 * typed list (its rules share a context type); this is the one place they are joined.
 */
export function allRules(): RuleMeta[] {
  return [...dependencyRules, ...dvcRules, ...notebookRules, ...projectImportRules, ...structureRules].sort((a, b) => (a.code < b.code ? -1 : 1));
}

let known: Set<string> | undefined;
export function isKnownRuleCode(code: string): boolean {
  known ??= new Set(allRules().map((r) => r.code));
  return known.has(code);
}

