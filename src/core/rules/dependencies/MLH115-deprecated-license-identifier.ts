import type { AST } from 'toml-eslint-parser';
import { checkLicenseExpression, deprecatedLicenseIds } from '../../pyproject/pep639License';
import { stringOffsetMap } from '../../toml/tomlDocument';
import type { RuleDefinition } from '../rule';
import type { DependencyContext } from './context';

/**
 * Its own code rather than MLH113: a deprecated identifier is still a valid SPDX expression that
 * build back-ends accept, so the file does not violate the spec; it says something other than what
 * its author probably means to say (is `GPL-3.0` "only" or "or later"?), and SPDX may drop it.
 */
export const deprecatedLicenseIdentifier: RuleDefinition<DependencyContext> = {
  code: 'MLH115',
  name: 'deprecated-license-identifier',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A deprecated SPDX identifier in `[project] license` (PEP 639): `GPL-3.0`, `LGPL-2.1+`, `GPL-2.0-with-classpath-exception`, `wxWindows`, ...',
    why: 'SPDX deprecated these because they were ambiguous: `GPL-3.0` does not say whether later versions of the license apply. Package indexes and license scanners read the expression as written, so the ambiguity reaches every user who audits your dependencies.',
    example: '[project]\nname = "churn"\nversion = "0.1.0"\nlicense = "GPL-3.0"   # MLH115: GPL-3.0-only or GPL-3.0-or-later?',
    exampleLanguage: 'toml',
    fix: 'For the GNU licenses, **Use GPL-3.0-only** replaces the identifier with the one that means exactly what the deprecated one meant (`GPL-3.0` → `GPL-3.0-only`, `GPL-3.0+` → `GPL-3.0-or-later`). For the others, pick the replacement listed on spdx.org/licenses.',
  },
  check(ctx, report) {
    const py = ctx.pyproject;
    const license = py?.toml.get(['project', 'license']);
    if (!py || typeof license !== 'string' || checkLicenseExpression(license).length) return;
    const node = py.toml.find(['project', 'license'])?.value as AST.TOMLContentNode | undefined;
    const li = ctx.lineIndexOf(py.path);
    if (!li || node?.type !== 'TOMLValue' || node.kind !== 'string') return;
    const toFile = stringOffsetMap(py.toml.text, node);
    for (const d of deprecatedLicenseIds(license)) {
      const range = li.rangeOf(toFile(d.start), toFile(d.end));
      report({
        path: py.path,
        range,
        message: d.message,
        ...(d.replacement ? { fixes: [{ title: `Use ${d.replacement}`, isPreferred: true, edit: { operations: [{ kind: 'edit' as const, path: py.path, edits: [{ range, newText: d.replacement }] }] } }] } : {}),
      });
    }
  },
};
