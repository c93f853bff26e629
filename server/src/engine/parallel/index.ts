/** Worker-thread analysis: a pool of engines off the main thread, and a scan that uses it. */
export { AnalysisPool, defaultPoolSize } from './pool';
export type { AnalysisPoolOptions } from './pool';
export { collectUnits, scanInPool } from './scan';
