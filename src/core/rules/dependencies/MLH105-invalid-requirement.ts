import type { RuleDefinition } from '../rule';
import type { DependencyContext } from './context';
import { requirementRange, spanRange } from './shared';

export const invalidRequirement: RuleDefinition<DependencyContext> = {
  code: 'MLH105',
  name: 'invalid-requirement',
  pillar: 'dependencies',
  defaultSeverity: 'error',
  docs: {
    detects: 'A requirement string that is not valid PEP 508, or whose version specifier is not valid PEP 440 (`pandas>=>2`, `numpy>=1.26.*`, `torch==2.1 ; python_version>"3.8`).',
    why: 'pip, uv and Poetry refuse the whole file at install time; the broken line is usually found only in CI or on the deployment machine.',
    example: '[project]\ndependencies = ["pandas>=>2"]',
    exampleLanguage: 'toml',
    fix: 'Correct the string by hand; the diagnostic points at the offending characters.',
  },
  check(ctx, report) {
    for (const req of ctx.allRequirements) {
      if (req.parsed.ok) continue;
      const { message, span } = req.parsed;
      const range = span.end > span.start || span.start > 0 ? spanRange(ctx, req, { start: span.start, end: Math.max(span.end, span.start + 1) }) : requirementRange(ctx, req);
      report({ path: req.path, range, message: `Invalid requirement \`${req.raw.trim()}\`: ${message}` });
    }
  },
};
