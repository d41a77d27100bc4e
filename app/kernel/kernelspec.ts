/** The tslab kernelspec of the project: what Jupyter, nbclient and the built-in app all start. */
import { join } from 'node:path';
import type { KernelSpec } from './kernel-manager.js';

/** The preload every project kernel runs before tslab: zeromq sends one at a time per socket (see the file). */
export function tslabPreload(root: string): string {
  return join(root, 'app', 'kernel', 'tslab-serial-send.cjs');
}

/**
 * The kernelspec the project registers for Jupyter (`npm start` writes it under .lab/jupyter) and starts
 * in the app: the project's own tslab, run by this Node with the preload, where `tslab install` would
 * write `tslab kernel --config-path {connection_file}`.
 */
export function projectKernelSpec(root: string): KernelSpec {
  return {
    argv: [process.execPath, '--require', tslabPreload(root), join(root, 'node_modules', 'tslab', 'bin', 'tslab'), 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript',
    language: 'typescript',
  };
}
