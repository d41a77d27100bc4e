// Rendering of Markdown cells and of outputs (nbformat 4 output types and MIME bundles), with mermaid drawn as SVG.
import { Marked } from 'marked';
import type { Mermaid } from 'mermaid';

/**
 * mermaid (about a megabyte of script) is loaded with the first diagram that comes into view, not with
 * the page: a chapter opens, and its kernel is ready, before the diagrams' renderer is even parsed.
 */
let mermaidLoaded: Promise<Mermaid> | undefined;
function loadMermaid(): Promise<Mermaid> {
  mermaidLoaded ??= import('mermaid').then(({ default: mermaid }) => {
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'default', flowchart: { htmlLabels: false } });
    return mermaid;
  });
  return mermaidLoaded;
}

export type Output = Record<string, unknown> & { output_type: string };

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function joinText(value: unknown): string {
  return Array.isArray(value) ? value.join('') : typeof value === 'string' ? value : '';
}

const marked = new Marked({ gfm: true });
marked.use({
  renderer: {
    code({ text, lang }) {
      if ((lang ?? '').trim() === 'mermaid') return `<div class="mermaid-diagram" data-mermaid-source="${escapeHtml(text)}"></div>`;
      return `<pre class="code"><code>${escapeHtml(text)}</code></pre>`;
    },
    link({ href, title, tokens }) {
      const text = this.parser.parseInline(tokens);
      const external = /^[a-z]+:/i.test(href);
      return `<a href="${escapeHtml(href)}"${title ? ` title="${escapeHtml(title)}"` : ''}${external ? ' target="_blank" rel="noopener noreferrer"' : ''}>${text}</a>`;
    },
  },
});

export function markdownHtml(source: string): string {
  return marked.parse(source, { async: false });
}

let diagramCount = 0;

/** Diagrams waiting to be drawn, in the order they came near the viewport; drawn one at a time. */
const drawQueue: { element: HTMLElement; source: string }[] = [];
let drawing = false;

async function drainDrawQueue(): Promise<void> {
  if (drawing) return;
  drawing = true;
  try {
    for (let next = drawQueue.shift(); next !== undefined; next = drawQueue.shift()) await drawOne(next.element, next.source);
  } finally {
    drawing = false;
  }
}

async function drawOne(element: HTMLElement, source: string): Promise<void> {
  try {
    const mermaid = await loadMermaid();
    const { svg } = await mermaid.render(`diagram-${++diagramCount}`, source);
    element.innerHTML = svg;
    element.dataset.drawn = 'svg';
  } catch (error) {
    element.dataset.drawn = 'error';
    element.innerHTML = `<div class="diagram-error">This diagram could not be drawn: ${escapeHtml(String((error as Error).message ?? error).split('\n')[0] ?? '')}</div><details><summary>diagram source</summary><pre>${escapeHtml(source)}</pre></details>`;
  }
}

/**
 * Diagrams are drawn when they come within a screen of the viewport, as images load on the web: a
 * chapter holds dozens, and drawing them all at once (during a Run all, say) takes the cores the
 * kernel needs. Until then a placeholder keeps the place (data-drawn="waiting").
 */
const nearViewport = typeof IntersectionObserver === 'undefined' ? undefined : new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    const element = entry.target as HTMLElement;
    nearViewport?.unobserve(element);
    if (element.dataset.drawn !== 'waiting') continue;
    element.dataset.drawn = 'pending';
    drawQueue.push({ element, source: element.dataset.mermaidSource ?? '' });
  }
  void drainDrawQueue();
}, { rootMargin: '100% 0px' });

/** Diagram placeholders (and `<pre class="mermaid">` from HTML outputs) below `root`, drawn as SVG once near the viewport. */
export async function drawDiagrams(root: HTMLElement): Promise<void> {
  const targets: HTMLElement[] = [...root.querySelectorAll<HTMLElement>('.mermaid-diagram:not([data-drawn])')];
  for (const pre of root.querySelectorAll<HTMLElement>('pre.mermaid:not([data-drawn])')) {
    const holder = document.createElement('div');
    holder.className = 'mermaid-diagram';
    holder.dataset.mermaidSource = pre.textContent ?? '';
    pre.replaceWith(holder);
    targets.push(holder);
  }
  for (const element of targets) {
    if (nearViewport === undefined) {
      element.dataset.drawn = 'pending';
      drawQueue.push({ element, source: element.dataset.mermaidSource ?? '' });
    } else {
      element.dataset.drawn = 'waiting';
      nearViewport.observe(element);
    }
  }
  await drainDrawQueue();
}

/**
 * The stylesheets HTML outputs carry, each kept once, in the page's head. Every trace in a chapter
 * brings the same <style> (it has to: JupyterLab shows each output on its own), and sixty copies of
 * one sheet make each change of the page re-match every element against all sixty.
 */
const adoptedStyles = new Set<string>();

function adoptStyles(el: HTMLElement): void {
  for (const style of el.querySelectorAll('style')) {
    const text = style.textContent ?? '';
    style.remove();
    if (adoptedStyles.has(text)) continue;
    adoptedStyles.add(text);
    const sheet = document.createElement('style');
    sheet.dataset.fromOutput = '';
    sheet.textContent = text;
    document.head.append(sheet);
  }
}

const MIME_ORDER = ['text/vnd.mermaid', 'text/html', 'image/svg+xml', 'image/png', 'image/jpeg', 'text/markdown', 'text/latex', 'application/json', 'text/plain'];

function bundleElement(data: Record<string, unknown>): HTMLElement {
  const el = document.createElement('div');
  const type = MIME_ORDER.find((t) => data[t] !== undefined) ?? Object.keys(data)[0];
  el.dataset.mimeType = type ?? '';
  const value = type === undefined ? '' : data[type];
  switch (type) {
    case 'text/vnd.mermaid':
      el.innerHTML = `<div class="mermaid-diagram" data-mermaid-source="${escapeHtml(joinText(value))}"></div>`;
      break;
    case 'text/html':
      el.className = 'html-output';
      el.innerHTML = joinText(value);
      adoptStyles(el);
      break;
    case 'image/svg+xml':
      el.innerHTML = `<img alt="SVG output" src="data:image/svg+xml;charset=utf-8,${encodeURIComponent(joinText(value))}">`;
      break;
    case 'image/png':
    case 'image/jpeg':
      el.innerHTML = `<img alt="image output" src="data:${type};base64,${joinText(value).replace(/\s+/g, '')}">`;
      break;
    case 'text/markdown':
      el.className = 'markdown-output';
      el.innerHTML = markdownHtml(joinText(value));
      break;
    case 'application/json':
      el.innerHTML = `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
      break;
    default:
      el.innerHTML = `<pre>${escapeHtml(stripAnsi(joinText(value)))}</pre>`;
  }
  return el;
}

/** One output element, with `data-output-type` as the app's contract says. */
export function outputElement(output: Output): HTMLElement {
  const el = document.createElement('div');
  el.className = `output output-${output.output_type}`;
  el.dataset.outputType = output.output_type;
  switch (output.output_type) {
    case 'stream': {
      el.classList.add(output.name === 'stderr' ? 'stderr' : 'stdout');
      el.dataset.streamName = String(output.name);
      el.innerHTML = `<pre>${escapeHtml(stripAnsi(joinText(output.text)))}</pre>`;
      break;
    }
    case 'display_data':
    case 'execute_result':
      el.append(bundleElement((output.data ?? {}) as Record<string, unknown>));
      break;
    case 'error': {
      const trace = Array.isArray(output.traceback) && output.traceback.length > 0 ? output.traceback.map(String).join('\n') : `${String(output.ename)}: ${String(output.evalue)}`;
      el.innerHTML = `<pre>${escapeHtml(stripAnsi(trace))}</pre>`;
      break;
    }
    default:
      el.innerHTML = `<pre>${escapeHtml(JSON.stringify(output))}</pre>`;
  }
  return el;
}
