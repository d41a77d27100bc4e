/** The tslab kernelspec of the project: what Jupyter, nbclient and the built-in app all start. */
import { join } from 'node:path';
import type { KernelSpec } from './kernel-manager.js';

/**
 * The preloads every project kernel runs before tslab (see each file): zeromq sends one at a time per
 * socket, and V8 optimizes only the compiler's really hot functions.
 */
export function tslabPreloads(root: string): string[] {
  return [join(root, 'app', 'kernel', 'tslab-serial-send.cjs'), join(root, 'app', 'kernel', 'tslab-tier-up.cjs')];
}

/**
 * The kernelspec the project registers for Jupyter (`npm start` writes it under .lab/jupyter) and starts
 * in the app: the project's own tslab, run by this Node with the preloads, where `tslab install` would
 * write `tslab kernel --config-path {connection_file}`.
 */
export function projectKernelSpec(root: string): KernelSpec {
  return {
    argv: [process.execPath, ...tslabPreloads(root).flatMap((file) => ['--require', file]), join(root, 'node_modules', 'tslab', 'bin', 'tslab'), 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript',
    language: 'typescript',
  };
}
