/**
 * The TypeScript parser, kept in a module of its own so the bundler can put it in a file of its
 * own (`dist/tsParser.js`): it carries the TypeScript compiler, about 10 MB, which only programs
 * that import a Huawei Cloud provider need.
 */
export { parse, TSError } from '@typescript-eslint/typescript-estree';
