// Bundles the app's browser side (app/web) into app/dist/web with esbuild: CodeMirror, marked and mermaid
// are built in, so the page fetches nothing but its own files at run time.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const outdir = here('./dist/web');
// A clean folder: chunk names carry content hashes, so a rebuild would otherwise leave the old ones behind.
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: [here('./web/notebook.ts'), here('./web/document.ts')],
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  target: 'es2022',
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  legalComments: 'none',
});
copyFileSync(here('./web/app.css'), `${outdir}/app.css`);
