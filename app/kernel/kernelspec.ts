/** The tslab kernelspec the project registers (`npm start` writes it under .lab/jupyter), read as Jupyter would. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelSpec } from './kernel-manager.js';

export function projectKernelSpec(root: string): KernelSpec {
  const registered = join(root, '.lab', 'jupyter', 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json');
  if (existsSync(registered)) {
    const spec = JSON.parse(readFileSync(registered, 'utf8')) as KernelSpec;
    if (Array.isArray(spec.argv) && spec.argv.length > 0 && existsSync(spec.argv[0] as string)) return spec;
  }
  // The same argv `tslab install` writes, for the project's own tslab.
  return { argv: [join(root, 'node_modules', '.bin', 'tslab'), 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' };
}
