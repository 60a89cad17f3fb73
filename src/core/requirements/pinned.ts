import { parseRequirement } from '../python/pep508';
import type { RequirementsFile } from './requirementsFile';

/** A VCS direct reference is only reproducible when it names a commit (`…@<hex sha>`). */
function isPinnedDirectReference(url: string): boolean {
  if (!/^(git|hg|svn|bzr)\+/.test(url)) return true;
  return /@[0-9a-f]{7,40}(#.*)?$/i.test(url);
}

/**
 * True when the file reads like resolver output (pip-compile, `uv pip compile`, `uv export`): it has
 * at least one requirement and every requirement is pinned with `==` (no wildcard) or `===`, or is a
 * direct reference to a fixed artifact. Editable, bare URL and path lines are ignored, because
 * compilers emit the project itself that way (`-e .`, `-e file:.`); they neither make nor break a lock.
 * An unparsable requirement means "not a lock": we would rather miss a lock than trust a broken file.
 */
export function isFullyPinned(file: RequirementsFile): boolean {
  let pinned = 0;
  for (const line of file.lines) {
    if (line.kind !== 'requirement') continue;
    const parsed = parseRequirement(line.text);
    if (!parsed.ok) return false;
    const requirement = parsed.requirement;
    if (requirement.url !== undefined) {
      if (!isPinnedDirectReference(requirement.url)) return false;
    } else if (!requirement.specifiers.some((c) => c.operator === '===' || (c.operator === '==' && !c.version.endsWith('.*')))) {
      return false;
    }
    pinned++;
  }
  return pinned > 0;
}
