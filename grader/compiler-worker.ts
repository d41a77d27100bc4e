/** The worker thread of WarmCompiler: one TreeCompiler, asked one tree at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { TreeCompiler } from './warm-compiler.js';
import { lowerPriority } from './priority.js';

const { root, mirror, lowPriority } = workerData as { root: string; mirror: string; lowPriority: boolean };
// Linux keeps a priority per thread: pid 0 is this thread, and the app's own thread keeps its priority.
// Elsewhere it would be the whole process, so the compiler keeps the normal priority there.
if (lowPriority && process.platform === 'linux') lowerPriority(0);
const compiler = new TreeCompiler(root, mirror);

parentPort?.on('message', (message: { id: number; kind: 'check' | 'prime'; treeDir?: string; files?: string[] }) => {
  try {
    if (message.kind === 'prime') {
      compiler.prime();
      parentPort?.postMessage({ id: message.id });
    } else {
      parentPort?.postMessage({ id: message.id, result: compiler.check(message.treeDir ?? '', message.files ?? []) });
    }
  } catch (error) {
    parentPort?.postMessage({ id: message.id, error: `the compiler failed: ${(error as Error).message}` });
  }
});
