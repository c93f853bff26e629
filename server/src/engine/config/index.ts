export { configFileName, createDefaultConfig, defaultConfig, ruleLevels, unknownValueModes } from './config';
export type { GuardConfig, RuleLevel, UnknownValues } from './config';
export { applyConfig, isExcluded, mergeConfig, relativeGlobPath } from './apply';
export { ExcludeMatcher, globToRegExp } from './glob';
export { loadConfigFile, loadConfigIn, parseConfigText } from './load';
export type { LoadedConfig } from './load';
