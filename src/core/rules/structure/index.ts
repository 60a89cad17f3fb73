import type { RuleDefinition } from '../rule';
import type { StructureContext } from './context';
import { noTypeChecking } from './MLH401-no-type-checking';
import { noTests } from './MLH402-no-tests';
import { noPackage } from './MLH403-no-package';
import { notebookInProduction } from './MLH404-notebook-in-production';
import { untrackedDataDir } from './MLH405-untracked-data-dir';
import { committedEnvFile } from './MLH406-committed-env-file';
import { noCi } from './MLH407-no-ci';
import { hardcodedConfig } from './MLH408-hardcoded-config';
import { toothlessTypeChecker } from './MLH409-toothless-type-checker';
import { typeCheckerNotInCi } from './MLH410-type-checker-not-in-ci';
import { missingPyTyped } from './MLH411-missing-py-typed';
import { missingBuildSystem } from './MLH412-missing-build-system';
import { buildBackendTooOld } from './MLH413-build-backend-too-old';
import { missingVersionSource } from './MLH414-missing-version-source';
import { handMaintainedVersion } from './MLH415-hand-maintained-version';
import { missingEntryPoint } from './MLH416-missing-entry-point';
import { ciIgnoresLockfile } from './MLH417-ci-ignores-lockfile';
import { ciTestsUninstalledSource } from './MLH418-ci-tests-uninstalled-source';
import { unpinnedBaseImage } from './MLH419-unpinned-base-image';
import { dockerIgnoresLockfile } from './MLH420-docker-ignores-lockfile';
import { notebooksInImage } from './MLH421-notebooks-in-image';
import { missingAnnotations } from './MLH422-missing-annotations';
import { unvalidatedDataIngestion } from './MLH423-unvalidated-data-ingestion';

export { createStructureContext, type CreateStructureContextOptions, type StructureContext, type ReportAnchor } from './context';

/** MLH4xx: project-level checks, reported on pyproject.toml (or the project's most relevant file). */
export const structureRules: RuleDefinition<StructureContext>[] = [
  noTypeChecking,
  noTests,
  noPackage,
  notebookInProduction,
  untrackedDataDir,
  committedEnvFile,
  noCi,
  hardcodedConfig,
  toothlessTypeChecker,
  typeCheckerNotInCi,
  missingPyTyped,
  missingBuildSystem,
  buildBackendTooOld,
  missingVersionSource,
  handMaintainedVersion,
  missingEntryPoint,
  ciIgnoresLockfile,
  ciTestsUninstalledSource,
  unpinnedBaseImage,
  dockerIgnoresLockfile,
  notebooksInImage,
  missingAnnotations,
  unvalidatedDataIngestion,
];
