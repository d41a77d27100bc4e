import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

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
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
