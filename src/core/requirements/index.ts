export { parseRequirementsFile } from './requirementsFile';
export type { RequirementsFile, RequirementsFileError, RequirementsLine } from './requirementsFile';
export { isFullyPinned } from './pinned';
