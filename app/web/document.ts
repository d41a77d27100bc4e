// A Markdown file of docs/ (the glossary, the cheat sheet) as a page: fetched raw, drawn with the notebook's renderer.
import { drawDiagrams, markdownHtml } from './render.js';

const root = document.getElementById('doc') as HTMLElement;
const name = root.dataset.doc ?? '';
const response = await fetch(`/docs/raw/${encodeURIComponent(name)}`);
if (response.ok) root.innerHTML = markdownHtml(await response.text());
else root.textContent = `HTTP ${response.status}: ${name}`;
await drawDiagrams(root);
root.dataset.loaded = 'true';
