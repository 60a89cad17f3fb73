/** "Extract cell to module": the API the server, the client (through the server) and the CLI use. */
export { planExtraction, type ExtractPlan, type ExtractRequest } from './plan';
export { suggestFunctionName, suggestModulePath, isValidIdentifier, type ModuleSuggestion } from './naming';
export { planCellsExtraction, type CellsExtractPlan } from './rangePlan';
