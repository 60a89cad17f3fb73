export { IMPORT_TO_DISTRIBUTIONS, NOTEBOOK_KERNEL_MODULES, HOSTED_RUNTIME_MODULES, tableImportNamesOf, tableLookup } from './distributionTable';
export { computeFirstPartyModules, isFirstParty, type FirstPartyModules } from './firstParty';
export { pythonTargetOf } from './pythonTarget';
export { ImportResolver, type ImportOrigin, type ImportResolverOptions } from './resolver';
export { isStdlibModule, stdlibStatus, STDLIB_CHANGES, type PythonTarget, type StdlibStatus } from './stdlib';
