/**
 * The engine's public surface. The language server and the CLI use only what is exported here,
 * and nothing under `engine/` imports from LSP or VS Code.
 */
export type { Finding, Fix, FileEdit, Location, Notice, Position, Range, RelatedLocation, Severity, TextEdit } from './types';
export type { DirectoryEntry, SourceProvider } from './source';
export { describeFileError, DiskSourceProvider, FileTooLargeError, OverlaySourceProvider, maxFileBytes } from './source';
export { createEngine, Engine, scannedFiles } from './analyze';
export type { AnalysisResult, ScanOptions } from './analyze';
export * from './config';
export { findSuppressions, suppressionRuleAt } from './suppressions';
export type { RuleIdSpan, Suppression } from './suppressions';
export { excludedFolders, findUnits } from './walk';
export { ruleDocs, rules } from './rules/registry';
export type { RuleMeta } from './rules/registry';
export { analysisUnitOf, isModuleFile, isTerraformFile, unitKey } from './units';
export type { AnalysisUnit } from './units';
