// The notebook page: cells with CodeMirror editors, outputs, the kernel channel, Save/Revert, the trace and exercises panels.
import { basicSetup } from 'codemirror';
import { javascript } from '@codemirror/lang-javascript';
import { markdown as markdownLanguage } from '@codemirror/lang-markdown';
import { Prec } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { accessibleName, UI_WORDS, uiLanguage, type UiWords } from './i18n.js';
import { drawDiagrams, joinText, markdownHtml, outputElement, stripAnsi, type Output } from './render.js';

type CellType = 'markdown' | 'code' | 'raw';
interface NotebookCell {
  id?: string;
  cell_type: CellType;
  metadata: Record<string, unknown> & { tags?: string[] };
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
  [key: string]: unknown;
}
interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: NotebookCell[];
  [key: string]: unknown;
}
interface Cell {
  key: string;
  data: NotebookCell;
  element: HTMLElement;
  /** Created when the cell is built for code, and on first edit for Markdown (most Markdown is never edited). */
  editor: EditorView | undefined;
  /** Where a Markdown cell's editor goes once it exists. */
  editorBox: HTMLElement | undefined;
  outputs: Output[];
  outputArea: HTMLElement | undefined;
  view: HTMLElement | undefined;
}
interface ExecuteReply { status: 'ok' | 'error' | 'abort' | 'dead'; executionCount: number | null; outputs: Output[] }
interface RunAllReply { runId: number; outcome: 'done' | 'error' | 'interrupted' | 'dead'; stoppedAt?: string; results: (ExecuteReply & { cellId: string })[] }
interface TraceSummary { id: string; time: string; endpoint: string; clientId?: string; method?: string; ok: boolean; error?: string; code?: string; status?: number; viewerUrl: string }

const root = document.getElementById('app') as HTMLElement;
const stem = root.dataset.notebook ?? '';
const language = uiLanguage(root);
const t = UI_WORDS[language];
document.documentElement.lang = language;
const api = `/api/notebooks/${encodeURIComponent(stem)}`;

let notebook: Notebook | undefined;
let cells: Cell[] = [];
let selected = 0;
let mode: 'command' | 'edit' = 'command';
let dirty = false;
let running = false;
let cellSerial = 0;
const liveOutputs = new Map<string, Output[]>();
/** Run all runs whose result the page has applied: their late live events change nothing. */
const settledRuns = new Set<number>();

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

// ---- page frame ------------------------------------------------------------------------------------
const statusEl = h('span', { class: 'kernel-status', 'data-kernel-status': 'starting', role: 'status' }, t.kernel('starting'));
const messageEl = h('div', { class: 'message', role: 'alert', hidden: '' });
const button = (label: string, title: string, onClick: () => void, extra: Record<string, string> = {}): HTMLButtonElement => {
  const b = h('button', { type: 'button', title, ...extra }, label);
  b.addEventListener('click', onClick);
  return b;
};
/** A toolbar button by its key in the words: visible words, title, and the accessible name the tests rely on. */
const toolButton = (key: keyof UiWords & ('runAll' | 'runCell' | 'interrupt' | 'restart' | 'save' | 'revert'), onClick: () => void): HTMLButtonElement => {
  const name = accessibleName(language, key);
  return button(t[key], t[`${key}Title`], onClick, name === undefined ? {} : { 'aria-label': name });
};
const runAllButton = toolButton('runAll', () => void runAll());
const runButton = toolButton('runCell', () => void runSelected(true));
const interruptButton = toolButton('interrupt', () => void post(`${api}/interrupt`));
const restartButton = toolButton('restart', () => void restartKernel());
const saveButton = toolButton('save', () => void save());
const revertButton = toolButton('revert', () => void revert());
const dirtyEl = h('span', { class: 'dirty', hidden: '' }, t.unsaved);
const toolbar = h('header', { class: 'toolbar' },
  h('a', { href: '/', class: 'home', title: t.chaptersTitle }, t.chapters),
  h('span', { class: 'title' }, `${stem}.ipynb`),
  runButton, runAllButton, interruptButton, restartButton, saveButton, revertButton, dirtyEl, statusEl);
const cellsEl = h('main', { class: 'cells', tabindex: '-1' });
const traceList = h('ol', { class: 'trace-list' });
const traceEmpty = h('p', { class: 'empty' }, t.noTraces);
const exercisesEl = h('div', { class: 'exercises-panel' });
const tabTraces = h('button', { type: 'button', class: 'tab active', 'data-tab': 'traces' }, t.traces);
const tabExercises = h('button', { type: 'button', class: 'tab', 'data-tab': 'exercises' }, t.exercises);
const tracesPane = h('section', { class: 'pane traces-pane', 'aria-label': t.traces }, traceEmpty, traceList);
const exercisesPane = h('section', { class: 'pane exercises-pane', 'aria-label': t.exercises, hidden: '' }, exercisesEl);
const aside = h('aside', { class: 'side' }, h('nav', { class: 'tabs' }, tabTraces, tabExercises), tracesPane, exercisesPane);
for (const tab of [tabTraces, tabExercises]) {
  tab.addEventListener('click', () => {
    const traces = tab === tabTraces;
    tabTraces.classList.toggle('active', traces);
    tabExercises.classList.toggle('active', !traces);
    tracesPane.hidden = !traces;
    exercisesPane.hidden = traces;
    if (!traces) void post('/api/grader/warm').catch(() => {});
  });
}
root.replaceChildren(toolbar, messageEl, h('div', { class: 'layout' }, cellsEl, aside));

function say(text: string, kind: 'error' | 'info' = 'error'): void {
  messageEl.textContent = text;
  messageEl.className = `message ${kind}`;
  messageEl.hidden = text === '';
}

function setDirty(value: boolean): void {
  dirty = value;
  dirtyEl.hidden = !value;
}
window.addEventListener('beforeunload', (event) => {
  if (dirty) event.preventDefault();
});

function setKernelStatus(status: string, reason?: string): void {
  statusEl.dataset.kernelStatus = status;
  statusEl.textContent = status === 'dead' ? t.kernelDead(reason) : t.kernel(status);
  statusEl.title = reason ?? '';
  restartButton.classList.toggle('urgent', status === 'dead');
}

async function post(url: string, body?: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
}

// ---- cells -------------------------------------------------------------------------------------------
function tagsOf(cell: NotebookCell): string[] {
  return Array.isArray(cell.metadata.tags) ? cell.metadata.tags.map(String) : [];
}

function editorFor(cell: Cell, type: CellType, text: string): EditorView {
  const keys = Prec.highest(keymap.of([
    { key: 'Shift-Enter', run: () => (void runCell(cell, true), true) },
    { key: 'Mod-Enter', run: () => (void runCell(cell, false), true) },
    { key: 'Alt-Enter', run: () => (void runCell(cell, false).then(() => insertCell(cells.indexOf(cell) + 1, 'code')), true) },
    { key: 'Escape', run: () => (enterCommandMode(), true) },
    { key: 'Mod-s', run: () => (void save(), true) },
  ]));
  return new EditorView({
    doc: text,
    extensions: [
      keys, basicSetup, type === 'code' ? javascript({ typescript: true }) : markdownLanguage(),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) setDirty(true);
        if (u.focusChanged && u.view.hasFocus) {
          select(cells.indexOf(cell));
          mode = 'edit';
          cell.element.classList.add('editing');
        }
      }),
      EditorView.lineWrapping,
    ],
  });
}

/** The cell's text: its editor's when it has one, else the notebook's. */
function textOf(cell: Cell): string {
  return cell.editor === undefined ? joinText(cell.data.source) : cell.editor.state.doc.toString();
}

/** The cell's editor, created on first need (in place of the code's placeholder, if it had one). */
function editorOf(cell: Cell): EditorView {
  if (cell.editor === undefined) {
    cell.editor = editorFor(cell, cell.data.cell_type, joinText(cell.data.source));
    cell.editorBox?.replaceChildren(cell.editor.dom);
    if (cell.editorBox !== undefined) nearView.unobserve(cell.editorBox);
  }
  return cell.editor;
}

/**
 * A code cell's editor is made when the cell comes within two screens of the viewport: a chapter of
 * fifty code cells opens with the few in view, and the page's work does not compete with the kernel
 * starting beside it. Until then the cell shows its code as plain text of the same size.
 */
const nearView = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    const cell = cells.find((c) => c.editorBox === entry.target);
    if (cell !== undefined) editorOf(cell);
  }
}, { rootMargin: '200% 0px' });

function renderMarkdown(cell: Cell): void {
  if (cell.view === undefined) return;
  cell.view.innerHTML = markdownHtml(textOf(cell));
  cell.element.classList.remove('editing-markdown');
  void drawDiagrams(cell.view);
}

function renderOutputs(cell: Cell): void {
  if (cell.outputArea === undefined) return;
  cell.outputArea.replaceChildren(...cell.outputs.map((o) => outputElement(o)));
  void drawDiagrams(cell.outputArea);
}

function setExecutionCount(cell: Cell, count: number | null | undefined): void {
  cell.data.execution_count = count ?? null;
  const prompt = cell.element.querySelector('.prompt');
  if (prompt) prompt.textContent = `[${count ?? ' '}]:`;
  if (count === null || count === undefined) delete cell.element.dataset.executionCount;
  else cell.element.dataset.executionCount = String(count);
}

function buildCell(data: NotebookCell): Cell {
  const key = `c${++cellSerial}`;
  const element = h('div', { class: `cell ${data.cell_type}-cell`, 'data-cell-type': data.cell_type, 'data-cell-key': key });
  const cell: Cell = { key, data, element, editor: undefined, editorBox: undefined, outputs: data.outputs ?? [], outputArea: undefined, view: undefined };
  if (data.cell_type === 'code') {
    element.dataset.tags = tagsOf(data).join(' ');
    const prompt = h('div', { class: 'prompt' }, `[${data.execution_count ?? ' '}]:`);
    cell.editorBox = h('div', { class: 'editor' }, h('pre', { class: 'code-placeholder' }, joinText(data.source)));
    const input = h('div', { class: 'input' }, prompt, cell.editorBox);
    nearView.observe(cell.editorBox);
    cell.outputArea = h('div', { class: 'outputs' });
    element.append(input, cell.outputArea);
    setExecutionCount(cell, data.execution_count);
    renderOutputs(cell);
  } else {
    cell.view = h('div', { class: 'markdown-view' });
    cell.editorBox = h('div', { class: 'editor markdown-editor' });
    element.append(cell.view, cell.editorBox);
    if (data.cell_type === 'markdown') renderMarkdown(cell);
    else cell.view.textContent = joinText(data.source);
    cell.view.addEventListener('dblclick', () => editMarkdown(cell));
  }
  element.addEventListener('mousedown', () => select(cells.indexOf(cell)));
  return cell;
}

function editMarkdown(cell: Cell): void {
  cell.element.classList.add('editing-markdown');
  editorOf(cell).focus();
}

function renumber(): void {
  cells.forEach((c, i) => (c.element.dataset.cellIndex = String(i)));
}

function select(index: number, scroll = false): void {
  if (cells.length === 0) return;
  selected = Math.max(0, Math.min(index, cells.length - 1));
  cells.forEach((c, i) => c.element.classList.toggle('selected', i === selected));
  if (scroll) cells[selected]?.element.scrollIntoView({ block: 'nearest' });
}

function enterCommandMode(): void {
  mode = 'command';
  const cell = cells[selected];
  if (cell !== undefined) {
    cell.element.classList.remove('editing');
    if (cell.data.cell_type === 'markdown' && cell.element.classList.contains('editing-markdown')) renderMarkdown(cell);
  }
  cellsEl.focus({ preventScroll: true });
}

function insertCell(index: number, type: CellType): void {
  const data: NotebookCell = type === 'code' ? { cell_type: 'code', metadata: {}, source: '', outputs: [], execution_count: null } : { cell_type: type, metadata: {}, source: '' };
  if ((notebook?.nbformat_minor ?? 0) >= 5) data.id = crypto.randomUUID().slice(0, 8);
  const cell = buildCell(data);
  const before = cells[index]?.element ?? null;
  cellsEl.insertBefore(cell.element, before);
  cells.splice(index, 0, cell);
  renumber();
  select(index, true);
  setDirty(true);
}

function deleteCell(index: number): void {
  const [cell] = cells.splice(index, 1);
  cell?.element.remove();
  renumber();
  select(Math.min(index, cells.length - 1));
  setDirty(true);
}

function changeType(index: number, type: CellType): void {
  const old = cells[index];
  if (old === undefined || old.data.cell_type === type) return;
  const data: NotebookCell = { ...old.data, cell_type: type, source: textOf(old) };
  if (type === 'code') {
    data.outputs = [];
    data.execution_count = null;
  } else {
    delete data.outputs;
    delete data.execution_count;
  }
  const cell = buildCell(data);
  old.element.replaceWith(cell.element);
  cells[index] = cell;
  renumber();
  select(index);
  setDirty(true);
}

// ---- running -----------------------------------------------------------------------------------------
/** An error output for a failed cell when the kernel sent none (tslab reports failures on stderr only). */
function failureOutput(outputs: Output[]): Output {
  const stderr = outputs.filter((o) => o.output_type === 'stream' && o.name === 'stderr').map((o) => stripAnsi(joinText(o.text))).join('');
  const last = stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(0, 1)[0] ?? 'the cell failed';
  return { output_type: 'error', ename: 'CellError', evalue: last.slice(0, 300), traceback: [] };
}

/** A cell the kernel starts on: its outputs cleared, then filled as they come on the live channel. */
function startCell(cell: Cell): void {
  cell.outputs = [];
  liveOutputs.set(cell.key, cell.outputs);
  renderOutputs(cell);
  cell.element.classList.add('running');
  const prompt = cell.element.querySelector('.prompt');
  if (prompt) prompt.textContent = '[*]:';
}

/**
 * A cell the kernel is done with. The live channel has usually drawn its outputs already, as they came:
 * they are drawn again only if the reply's differ. A failure the kernel reported only on stderr gets
 * an error output (as nbclient would show one).
 */
function finishCell(cell: Cell, reply: ExecuteReply): void {
  liveOutputs.delete(cell.key);
  cell.element.classList.remove('running');
  const failed = reply.status === 'error' && !reply.outputs.some((o) => o.output_type === 'error');
  const outputs = failed ? [...reply.outputs, failureOutput(reply.outputs)] : reply.outputs;
  // On the live channel these are the very outputs drawn as they came; a run's result brings a copy.
  const drawn = cell.outputs === outputs || JSON.stringify(cell.outputs) === JSON.stringify(outputs);
  cell.outputs = outputs;
  setExecutionCount(cell, reply.executionCount);
  if (!drawn) renderOutputs(cell);
  setDirty(true);
}

async function runCell(cell: Cell, advance: boolean): Promise<ExecuteReply['status'] | 'skipped'> {
  const index = cells.indexOf(cell);
  if (advance) {
    if (index === cells.length - 1) insertCell(cells.length, 'code');
    select(index + 1, true);
    enterCommandMode();
  }
  if (cell.data.cell_type === 'markdown') {
    // Already drawn unless it is being edited.
    if (cell.element.classList.contains('editing-markdown')) renderMarkdown(cell);
    return 'skipped';
  }
  if (cell.data.cell_type !== 'code') return 'skipped';
  startCell(cell);
  let reply: ExecuteReply;
  try {
    const response = await post(`${api}/execute`, { cellId: cell.key, code: textOf(cell) });
    const body = (await response.json()) as ExecuteReply & { message?: string };
    if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
    reply = body;
  } catch (error) {
    reply = { status: 'dead', executionCount: null, outputs: [...cell.outputs, { output_type: 'error', ename: 'KernelError', evalue: (error as Error).message, traceback: [] }] };
  }
  finishCell(cell, reply);
  return reply.status;
}

async function runSelected(advance: boolean): Promise<void> {
  const cell = cells[selected];
  if (cell !== undefined) await runCell(cell, advance);
}

/**
 * Every cell from the top. The app's server runs the code cells one after the other, as nbclient
 * does (no round trip to the page between two cells), and an error stops the run unless the cell is
 * tagged raises-exception; the page follows on its live channel (cell-started, output, cell-finished)
 * and, at the end, applies the run's result, which has every cell's outputs.
 */
async function runAll(): Promise<void> {
  if (running) return;
  running = true;
  runAllButton.disabled = true;
  say('');
  root.dataset.runAll = 'running';
  let outcome = 'done';
  try {
    // Markdown is already drawn unless it is being edited: Run all does not redraw every diagram.
    for (const cell of cells) if (cell.data.cell_type === 'markdown' && cell.element.classList.contains('editing-markdown')) renderMarkdown(cell);
    const list = cells.filter((c) => c.data.cell_type === 'code').map((c) => ({ cellId: c.key, code: textOf(c), raisesException: tagsOf(c.data).includes('raises-exception') }));
    const response = await post(`${api}/run-all`, { cells: list });
    const body = (await response.json()) as RunAllReply & { message?: string };
    if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
    settledRuns.add(body.runId);
    for (const result of body.results) {
      const cell = cells.find((c) => c.key === result.cellId);
      if (cell !== undefined) finishCell(cell, result);
    }
    outcome = body.outcome;
    const at = cells.findIndex((c) => c.key === body.stoppedAt);
    if (outcome === 'dead') say(t.diedDuringRunAll);
    if (outcome === 'error' && at >= 0) {
      say(t.stoppedAt(at + 1));
      cells[at]?.element.scrollIntoView({ block: 'center' });
    }
  } catch (error) {
    outcome = 'dead';
    say(`${t.diedDuringRunAll} (${(error as Error).message})`);
  } finally {
    running = false;
    runAllButton.disabled = false;
    root.dataset.runAll = outcome;
  }
}

async function restartKernel(): Promise<void> {
  setKernelStatus('starting');
  const response = await post(`${api}/restart`);
  if (!response.ok) say(t.notRestarted(String(((await response.json()) as { message?: string }).message ?? response.status)));
}

// ---- load, save, revert -------------------------------------------------------------------------------
function currentNotebook(): Notebook {
  if (notebook === undefined) throw new Error('no notebook is loaded');
  const out: NotebookCell[] = cells.map((c) => {
    const data: NotebookCell = { ...c.data, source: textOf(c) };
    if (data.cell_type === 'code') {
      data.outputs = c.outputs;
      data.execution_count = c.data.execution_count ?? null;
    }
    return data;
  });
  return { ...notebook, cells: out };
}

async function save(): Promise<void> {
  if (notebook === undefined) return;
  saveButton.disabled = true;
  try {
    const response = await fetch(api, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notebook: currentNotebook() }) });
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    if (!response.ok) throw new Error(body.message ?? `HTTP ${response.status}`);
    setDirty(false);
    root.dataset.saved = new Date().toISOString();
    say(t.saved, 'info');
    setTimeout(() => messageEl.classList.contains('info') && say(''), 2000);
  } catch (error) {
    say(t.notSaved((error as Error).message));
  } finally {
    saveButton.disabled = false;
  }
}

async function revert(): Promise<void> {
  if (!window.confirm(t.confirmRevert(`${stem}.ipynb`))) return;
  const response = await post(`${api}/revert`);
  const body = (await response.json()) as { notebook?: Notebook; message?: string };
  if (!response.ok || body.notebook === undefined) return say(t.notReverted(String(body.message ?? response.status)));
  show(body.notebook);
  setDirty(false);
  root.dataset.reverted = new Date().toISOString();
  say(t.reverted, 'info');
}

function show(nb: Notebook): void {
  notebook = nb;
  cells = nb.cells.map((c) => buildCell(c));
  cellsEl.replaceChildren(...cells.map((c) => c.element));
  renumber();
  select(0);
  root.dataset.loaded = 'true';
}

// ---- keyboard (Jupyter's command mode) ---------------------------------------------------------------
let lastKey = '';
document.addEventListener('keydown', (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === 's') {
    event.preventDefault();
    void save();
    return;
  }
  if (mode !== 'command' || event.target instanceof HTMLInputElement || (event.target as HTMLElement).closest?.('.cm-editor')) return;
  const cell = cells[selected];
  const key = event.key;
  const twice = lastKey === key;
  lastKey = key;
  if (key === 'Enter' && event.shiftKey) {
    event.preventDefault();
    if (cell) void runCell(cell, true);
  } else if (key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    if (cell) void runCell(cell, false);
  } else if (key === 'Enter') {
    event.preventDefault();
    if (cell?.data.cell_type === 'markdown') editMarkdown(cell);
    else if (cell !== undefined) editorOf(cell).focus();
  } else if (key === 'ArrowDown' || key === 'j') select(selected + 1, true);
  else if (key === 'ArrowUp' || key === 'k') select(selected - 1, true);
  else if (key === 'a') insertCell(selected, 'code');
  else if (key === 'b') insertCell(selected + 1, 'code');
  else if (key === 'd' && twice) {
    deleteCell(selected);
    lastKey = '';
  } else if (key === 'm') changeType(selected, 'markdown');
  else if (key === 'y') changeType(selected, 'code');
  else if (key === 'i' && twice) {
    void post(`${api}/interrupt`);
    lastKey = '';
  } else if (key === '0' && twice) {
    void restartKernel();
    lastKey = '';
  } else return;
});

// ---- live channel: kernel status, outputs, traces -----------------------------------------------------
function addTrace(t: TraceSummary, words: UiWords = UI_WORDS[language]): void {
  traceEmpty.hidden = true;
  const verdict = t.ok ? '✓' : '✗';
  const detail = t.ok ? (t.method ?? '') : [t.error, t.code].filter((x) => x).join(' · ');
  const link = h('a', { href: t.viewerUrl, target: '_blank', rel: 'noopener', class: `trace ${t.ok ? 'ok' : 'refused'}`, 'data-trace-id': t.id, title: words.openTrace },
    h('span', { class: 'verdict' }, verdict), h('span', { class: 'endpoint' }, `${t.endpoint}`), h('span', { class: 'status' }, String(t.status ?? '')),
    h('span', { class: 'detail' }, detail), h('span', { class: 'client' }, t.clientId ?? ''), h('time', {}, new Date(t.time).toLocaleTimeString()));
  traceList.prepend(h('li', {}, link));
  while (traceList.children.length > 200) traceList.lastElementChild?.remove();
}

function connect(): void {
  const events = new EventSource(`${api}/events`);
  events.addEventListener('status', (e) => {
    const { status, reason } = JSON.parse((e as MessageEvent<string>).data) as { status: string; reason?: string };
    setKernelStatus(status, reason);
  });
  events.addEventListener('output', (e) => {
    const { cellId, output } = JSON.parse((e as MessageEvent<string>).data) as { cellId: string; output: Output };
    const list = liveOutputs.get(cellId);
    const cell = cells.find((c) => c.key === cellId);
    if (list === undefined || cell === undefined) return;
    const last = list[list.length - 1];
    const area = cell.outputArea;
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      last.text = joinText(last.text) + joinText(output.text);
      const pre = area?.lastElementChild?.querySelector('pre');
      if (pre) pre.textContent = stripAnsi(joinText(last.text));
      else renderOutputs(cell);
      return;
    }
    list.push({ ...output });
    if (area === undefined) return;
    const el = outputElement(output);
    area.append(el);
    void drawDiagrams(el);
  });
  events.addEventListener('cell-started', (e) => {
    const { runId, cellId } = JSON.parse((e as MessageEvent<string>).data) as { runId: number; cellId: string };
    const index = cells.findIndex((c) => c.key === cellId);
    const cell = cells[index];
    if (settledRuns.has(runId) || cell === undefined) return;
    select(index);
    startCell(cell);
  });
  events.addEventListener('cell-finished', (e) => {
    const { runId, cellId, status, executionCount } = JSON.parse((e as MessageEvent<string>).data) as { runId: number; cellId: string; status: ExecuteReply['status']; executionCount: number | null };
    const cell = cells.find((c) => c.key === cellId);
    if (settledRuns.has(runId) || cell === undefined) return;
    finishCell(cell, { status, executionCount, outputs: liveOutputs.get(cell.key) ?? cell.outputs });
  });
  events.addEventListener('trace', (e) => addTrace(JSON.parse((e as MessageEvent<string>).data) as TraceSummary));
  events.addEventListener('traces-cleared', () => {
    traceList.replaceChildren();
    traceEmpty.hidden = false;
  });
  events.onerror = () => setKernelStatus(statusEl.dataset.kernelStatus === 'dead' ? 'dead' : 'starting', t.reconnecting);
}

// ---- exercises ----------------------------------------------------------------------------------------
interface ExerciseRow { id: string; title: string; file: string; points: number; hintCount: number; solved: boolean; hints: string[] }

async function loadExercises(): Promise<void> {
  const response = await fetch(`/api/chapters/${encodeURIComponent(stem)}/exercises`);
  const { exercises } = (await response.json()) as { exercises: ExerciseRow[] };
  tabExercises.textContent = exercises.length === 0 ? t.exercises : t.exercisesCount(exercises.filter((e) => e.solved).length, exercises.length);
  if (exercises.length === 0) {
    exercisesEl.replaceChildren(h('p', { class: 'empty' }, t.noExercises));
    return;
  }
  const checkAll = button(t.checkChapter, t.checkChapterTitle, () => void (async () => {
    for (const e of exercises) await check(e.id);
  })());
  exercisesEl.replaceChildren(checkAll, ...exercises.map((e) => exerciseCard(e)));
}

const reports = new Map<string, HTMLElement>();
async function check(id: string): Promise<void> {
  const report = reports.get(id);
  if (report === undefined) return;
  report.hidden = false;
  report.textContent = t.checking;
  const response = await post(`/api/exercises/${encodeURIComponent(id)}/check`);
  const body = (await response.json()) as { passed?: boolean; report?: string; message?: string; durationMs?: number };
  report.textContent = response.ok ? `${stripAnsi(body.report ?? '')}\n(${((body.durationMs ?? 0) / 1000).toFixed(1)} s)` : t.checkFailed(String(body.message ?? response.status));
  report.className = `report ${body.passed ? 'passed' : 'failed'}`;
  await loadExercises();
}

function exerciseCard(e: ExerciseRow): HTMLElement {
  const report = reports.get(e.id) ?? h('pre', { class: 'report', hidden: '' });
  reports.set(e.id, report);
  const hints = h('ol', { class: 'hints' }, ...e.hints.map((hint) => h('li', {}, hint)));
  const hintButton = button(e.hints.length >= e.hintCount ? t.allHints : t.hint(e.hints.length + 1, e.hintCount), t.hintTitle, () => void (async () => {
    const response = await post(`/api/exercises/${encodeURIComponent(e.id)}/hint`);
    const body = (await response.json()) as { hints: string[] };
    e.hints = body.hints;
    exercisesEl.querySelector(`[data-exercise-id="${e.id}"]`)?.replaceWith(exerciseCard(e));
  })());
  if (e.hints.length >= e.hintCount) hintButton.disabled = true;
  const reset = button(t.reset, t.resetTitle, () => void (async () => {
    if (!window.confirm(t.confirmReset(e.file))) return;
    const response = await post(`/api/exercises/${encodeURIComponent(e.id)}/reset`);
    const body = (await response.json()) as { message?: string };
    report.hidden = false;
    report.textContent = response.ok ? t.isReset(e.file) : t.notReset(String(body.message ?? response.status));
  })());
  return h('div', { class: `exercise${e.solved ? ' solved' : ''}`, 'data-exercise-id': e.id },
    h('div', { class: 'exercise-head' }, h('span', { class: 'mark' }, e.solved ? '✓' : '○'), h('b', {}, e.title)),
    h('div', { class: 'exercise-file' }, h('code', {}, e.file), t.points(e.points)),
    h('div', { class: 'exercise-actions' }, button(t.check, t.checkTitle(e.id), () => void check(e.id)), hintButton, reset),
    hints, report);
}

// ---- start --------------------------------------------------------------------------------------------
async function load(): Promise<void> {
  const response = await fetch(api);
  const body = (await response.json().catch(() => ({ message: `HTTP ${response.status}` }))) as { notebook?: Notebook; message?: string };
  if (!response.ok || body.notebook === undefined) {
    cellsEl.replaceChildren(h('div', { class: 'notebook-problem', role: 'alert' }, h('h2', {}, t.cannotOpen), h('p', {}, body.message ?? ''),
      h('p', {}, t.leftAsIs)));
    saveButton.disabled = true;
    runAllButton.disabled = true;
    root.dataset.loaded = 'error';
    return;
  }
  show(body.notebook);
}

connect();
void load();
void loadExercises();
