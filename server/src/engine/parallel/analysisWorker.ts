import { parentPort } from 'worker_threads';
import { createEngine, type Engine } from '../analyze';
import { DiskSourceProvider, OverlaySourceProvider } from '../source';
import { fromUnitMessage, type AnalyzeReply, type AnalyzeRequest } from './protocol';

// Entry point of an analysis worker thread. It loads its own parsers and handles one
// AnalyzeRequest at a time, because the pool sends the next request only after the reply.

const disk = new DiskSourceProvider();
let engine: Promise<Engine> | undefined;

async function handle(request: AnalyzeRequest): Promise<AnalyzeReply> {
  try {
    engine ??= createEngine();
    const overlay = new Map(request.overlay);
    const source = overlay.size === 0 ? disk : new OverlaySourceProvider(disk, (file) => overlay.get(file));
    const result = (await engine).analyzeUnit(fromUnitMessage(request.unit), source);
    return { id: request.id, result };
  } catch (error) {
    const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { id: request.id, failure: reason };
  }
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (request: AnalyzeRequest) => {
    void handle(request).then((reply) => port.postMessage(reply));
  });
}
