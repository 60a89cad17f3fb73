import type { RuleDefinition } from '../rule';
import type { DependencyContext } from './context';
import { unpinnedDependency } from './MLH101-unpinned-dependency';
import { openEndedDependency } from './MLH102-open-ended-dependency';
import { missingLockfile } from './MLH103-missing-lockfile';
import { staleLockfile } from './MLH104-stale-lockfile';
import { invalidRequirement } from './MLH105-invalid-requirement';
import { duplicateDependency } from './MLH106-duplicate-dependency';
import { devToolInRuntime } from './MLH107-dev-tool-in-runtime';
import { missingRequiresPython } from './MLH108-missing-requires-python';
import { pythonVersionMismatch } from './MLH109-python-version-mismatch';
import { unpinnedVcsDependency } from './MLH112-unpinned-vcs-dependency';
import { invalidPyproject } from './MLH113-invalid-pyproject';
import { unreadableFile } from './MLH114-unreadable-file';
import { deprecatedLicenseIdentifier } from './MLH115-deprecated-license-identifier';

export const dependencyRules: RuleDefinition<DependencyContext>[] = [
  unpinnedDependency,
  openEndedDependency,
  missingLockfile,
  staleLockfile,
  invalidRequirement,
  duplicateDependency,
  devToolInRuntime,
  missingRequiresPython,
  pythonVersionMismatch,
  unpinnedVcsDependency,
  invalidPyproject,
  unreadableFile,
  deprecatedLicenseIdentifier,
];
