import type { RuleDefinition } from '../rule';
import type { DependencyContext } from './context';
import { parsedOf, spanRange } from './shared';

const FULL_COMMIT = /@[0-9a-f]{40}(?:[#?]|$)/i;
const ARCHIVE_HASH = /#(sha256|sha384|sha512|md5)=[0-9a-f]+/i;

export function isImmutableUrl(url: string): boolean {
  if (/^(git|hg|svn|bzr)\+/i.test(url)) return FULL_COMMIT.test(url.replace(/^[a-z]+\+/i, ''));
  if (/^file:/i.test(url)) return true; // local paths are the project's own business (editable installs)
  return ARCHIVE_HASH.test(url);
}

export const unpinnedVcsDependency: RuleDefinition<DependencyContext> = {
  code: 'MLH112',
  name: 'unpinned-vcs-dependency',
  pillar: 'dependencies',
  defaultSeverity: 'warning',
  docs: {
    detects: 'A direct reference (`name @ git+https://...` or an archive URL) without an immutable pin: no full 40-character commit hash for VCS URLs, no `#sha256=` for archives.',
    why: 'A branch or tag can move. `@main` installs different code every week, and even tags get force-pushed; only a commit hash names the exact code that was tested.',
    example: '[project]\ndependencies = ["featurestore @ git+https://github.com/acme/featurestore.git@main"]',
    exampleLanguage: 'toml',
    fix: 'Replace the branch or tag with the full commit hash (`@3f2c...`), or add `#sha256=<digest>` to an archive URL.',
  },
  check(ctx, report) {
    for (const req of ctx.allRequirements) {
      const r = parsedOf(req);
      if (!r?.url || !r.urlSpan || isImmutableUrl(r.url)) continue;
      const vcs = /^(git|hg|svn|bzr)\+/i.test(r.url);
      report({
        path: req.path,
        range: spanRange(ctx, req, r.urlSpan),
        message: vcs
          ? `\`${r.name}\` is installed from a VCS URL without a full commit hash: the code it gets can change.`
          : `\`${r.name}\` is installed from a URL without a \`#sha256=\` hash: the archive can change.`,
      });
    }
  },
};
