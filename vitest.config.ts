import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const RENDERING = 'test/notebooks/rendering.test.ts';

export default defineConfig({
  resolve: {
    alias: {
      '@client-auth-lab/lib': here('./lib/index.ts'),
      '@client-auth-lab/lab-server': here('./lab-server/index.ts'),
      '@client-auth-lab/grader': here('./grader/index.ts'),
      '@client-auth-lab/app': here('./app/index.ts'),
    },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'course', include: ['test/**/*.test.ts'], exclude: [RENDERING] } },
      // The nbconvert export of both editions runs after the rest, so it reads the copies the notebook
      // tests executed instead of executing every chapter a second time beside them.
      { extends: true, test: { name: 'rendering', include: [RENDERING], sequence: { groupOrder: 1 } } },
    ],
  },
});
