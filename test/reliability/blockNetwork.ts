/**
 * Preloaded with `node --require` by the no-network tests. It replaces Node's network modules
 * (`http`, `https`, `net`, `tls`, `dgram`, `dns`, also under the `node:` prefix) with copies whose
 * functions and classes throw, for every module loaded after it. Loading one of them still works,
 * because libraries such as vscode-jsonrpc import `net` at start-up without using it for stdio.
 * Node's own stdio streams do not go through `require`, so they keep working.
 */
import Module = require('module');

const blocked = new Set(['http', 'https', 'net', 'tls', 'dgram', 'dns', 'http2']);

import * as fs from 'fs';

function throwingCopy(name: string, original: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(original)) {
    const value = original[key];
    copy[key] = typeof value === 'function'
      ? function blockedNetworkCall(): never {
          throw new Error(`network access blocked: ${name}.${key} was called`);
        }
      : value;
  }
  return copy;
}

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleWithLoad = Module as unknown as { _load: Loader };
const originalLoad = moduleWithLoad._load;
const copies = new Map<string, Record<string, unknown>>();

moduleWithLoad._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
  const name = request.startsWith('node:') ? request.slice('node:'.length) : request;
  if (!blocked.has(name)) return originalLoad.call(this, request, parent, isMain);
  if (!copies.has(name)) copies.set(name, throwingCopy(name, originalLoad.call(this, request, parent, isMain) as Record<string, unknown>));
  return copies.get(name);
};

// Each process that loads the preload adds a line, so a test can count the processes it covered.
const log = process.env.METADATA_GUARD_BLOCK_LOG;
if (log) fs.appendFileSync(log, `network modules blocked in process ${process.pid}\n`);
