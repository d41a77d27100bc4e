// The trace viewer: a live list of the server's requests (server-sent events), one request's detail
// (HTML rendered by the server's renderTraceHtml, diagram drawn by mermaid) and a classroom summary.
// Every value from a trace is untrusted text: this script writes it with textContent only. The one
// innerHTML is the detail fragment, which the server built with every value escaped.
import { classroomRows, traceMethod, traceResult } from '/lab/trace-summary.js';

const MAX_TRACES = 1000;
const $ = (id) => document.getElementById(id);

// On a server started with --traces self, a student opens /lab?access_token=<registration_access_token>
// (the instructor: the instructor token); the token goes along with every request the page makes.
const accessToken = new URLSearchParams(location.search).get('access_token');
const lab = (path) => (accessToken ? `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(accessToken)}` : path);

const state = {
  /** id -> trace, and ids newest first */
  traces: new Map(),
  order: [],
  paused: false,
  queued: [],
  loaded: false,
  early: [],
  selected: undefined,
  clientNames: new Map(),
  namesRequested: false,
  connected: false,
};

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

function timeOf(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleTimeString([], { hour12: false });
}

// ---- the live list -------------------------------------------------------------------------

function filters() {
  return {
    client: $('filter-client').value.trim().toLowerCase(),
    endpoint: $('filter-endpoint').value,
    result: $('filter-result').value,
  };
}

function matches(trace, f) {
  if (f.client !== '' && !String(trace.clientId ?? '').toLowerCase().includes(f.client)) return false;
  if (f.endpoint !== '' && trace.endpoint !== f.endpoint) return false;
  if (f.result !== '' && traceResult(trace).kind !== f.result) return false;
  return true;
}

function rowFor(trace) {
  const result = traceResult(trace);
  const method = traceMethod(trace);
  const tr = el('tr');
  tr.dataset.traceId = trace.id;
  tr.dataset.result = result.kind;
  tr.tabIndex = 0;
  tr.append(
    el('td', timeOf(trace.time), 'time'),
    el('td', trace.endpoint),
    el('td', trace.clientId ?? '—', trace.clientId === undefined ? 'muted' : 'client'),
  );
  const methodCell = el('td', method === undefined ? '—' : method.name, method === undefined || method.status === 'presented' ? 'muted' : undefined);
  if (method !== undefined) methodCell.title = method.status === 'verified' ? 'verified by the server' : 'presented by the request, not verified';
  const resultCell = el('td', undefined, 'result');
  resultCell.append(el('span', result.kind === 'refused' ? (result.error ?? `HTTP ${trace.response.status}`) : result.kind, `pill ${result.kind}`));
  resultCell.title = `${result.label}, HTTP ${trace.response.status}`;
  if (result.code !== undefined) resultCell.append(el('span', ` ${result.code}`, 'code muted'));
  tr.append(methodCell, resultCell, el('td', Number(trace.durationMs).toFixed(1), 'num'));
  if (trace.id === state.selected) tr.classList.add('selected');
  const open = () => { location.hash = `#/trace/${encodeURIComponent(trace.id)}`; };
  tr.addEventListener('click', open);
  tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
  return tr;
}

function renderList() {
  const f = filters();
  const rows = $('request-rows');
  const shown = state.order.map((id) => state.traces.get(id)).filter((t) => matches(t, f));
  rows.replaceChildren(...shown.map(rowFor));
  updateCount(shown.length);
}

function updateCount(shown) {
  const total = state.order.length;
  $('list-count').textContent = shown === total ? `${total} request${total === 1 ? '' : 's'}` : `${shown} of ${total} requests`;
  $('empty').hidden = total > 0;
}

function addOption(select, value) {
  if ([...select.options].some((o) => o.value === value)) return;
  const option = el('option', value);
  option.value = value;
  select.append(option);
}

function add(trace) {
  if (state.traces.has(trace.id)) return;
  state.traces.set(trace.id, trace);
  state.order.unshift(trace.id);
  while (state.order.length > MAX_TRACES) state.traces.delete(state.order.pop());
  addOption($('filter-endpoint'), trace.endpoint);
  if (trace.clientId !== undefined) {
    addOption($('client-ids'), trace.clientId);
    if (!state.clientNames.has(trace.clientId)) loadClientNames();
  }
  if (matches(trace, filters())) {
    const rows = $('request-rows');
    rows.prepend(rowFor(trace));
    while (rows.children.length > MAX_TRACES) rows.lastElementChild.remove();
  }
  updateCount($('request-rows').children.length);
  if (document.body.dataset.view === 'classroom') renderClassroom();
}

function receive(trace) {
  if (!state.loaded) state.early.push(trace);
  else if (state.paused) {
    state.queued.push(trace);
    updatePauseButton();
  } else add(trace);
}

// ---- stream and pause ----------------------------------------------------------------------

function setStream(value) {
  document.body.dataset.stream = value;
  const label = { live: '● live', paused: 'paused', connecting: 'connecting…', reconnecting: 'reconnecting…' }[value] ?? value;
  $('stream-state').textContent = label;
}

function updatePauseButton() {
  const button = $('pause');
  button.setAttribute('aria-pressed', String(state.paused));
  button.textContent = state.paused ? `Resume${state.queued.length === 0 ? '' : ` (${state.queued.length} new)`}` : 'Pause';
}

function togglePause() {
  state.paused = !state.paused;
  if (!state.paused) {
    const queued = state.queued.splice(0);
    for (const trace of queued) add(trace);
  }
  updatePauseButton();
  setStream(state.paused ? 'paused' : (state.connected ? 'live' : 'reconnecting'));
}

function connect() {
  const source = new EventSource(lab('/lab/traces/stream'));
  source.addEventListener('open', () => {
    state.connected = true;
    if (!state.paused) setStream('live');
  });
  source.addEventListener('error', () => {
    state.connected = false;
    if (!state.paused) setStream('reconnecting');
  });
  source.addEventListener('trace', (event) => {
    try {
      receive(JSON.parse(event.data));
    } catch (error) {
      console.warn('trace viewer: an event that is not a trace', error);
    }
  });
}

async function loadHistory() {
  try {
    const answer = await fetch(lab('/lab/traces?limit=1000'), { cache: 'no-store' });
    const { traces } = await answer.json();
    for (const trace of [...traces].reverse()) add(trace);
  } catch (error) {
    console.warn('trace viewer: could not load earlier traces', error);
  }
  state.loaded = true;
  for (const trace of state.early.splice(0)) add(trace);
  renderList();
}

async function loadClientNames() {
  if (state.namesRequested) return;
  state.namesRequested = true;
  try {
    const answer = await fetch(lab('/lab/clients'), { cache: 'no-store' });
    const { clients } = await answer.json();
    for (const client of clients) {
      if (typeof client.client_id === 'string') state.clientNames.set(client.client_id, typeof client.client_name === 'string' ? client.client_name : '');
    }
  } catch {
    // Names are a nicety: the classroom view works with client_ids alone.
  }
  // Ask again for clients registered later, at most every two seconds.
  setTimeout(() => { state.namesRequested = false; }, 2000);
  if (document.body.dataset.view === 'classroom') renderClassroom();
}

// ---- detail --------------------------------------------------------------------------------

let mermaidReady = false;
async function drawDiagrams(container) {
  const mermaid = window.mermaid;
  const nodes = [...container.querySelectorAll('pre.mermaid')];
  if (nodes.length === 0) return;
  if (mermaid === undefined) {
    for (const node of nodes) node.before(el('p', 'The diagram library did not load; its source is shown instead.', 'muted'));
    return;
  }
  if (!mermaidReady) {
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral', sequence: { useMaxWidth: true, mirrorActors: false } });
    mermaidReady = true;
  }
  try {
    await mermaid.run({ nodes });
    for (const node of nodes) node.dataset.rendered = 'true';
  } catch (error) {
    for (const node of nodes) node.before(el('p', `The diagram could not be drawn: ${error?.message ?? error}`, 'muted'));
  }
}

async function showDetail(id) {
  state.selected = id;
  for (const row of $('request-rows').children) row.classList.toggle('selected', row.dataset.traceId === id);
  const detail = $('detail');
  detail.replaceChildren(el('p', 'loading…', 'empty'));
  let answer;
  try {
    answer = await fetch(lab(`/lab/traces/${encodeURIComponent(id)}/html`), { cache: 'no-store' });
  } catch (error) {
    detail.replaceChildren(el('p', `Could not reach the server: ${error.message}`, 'empty'));
    return;
  }
  if (state.selected !== id) return;
  if (!answer.ok) {
    let message = `HTTP ${answer.status}`;
    try {
      message = (await answer.json()).error_description ?? message;
    } catch { /* keep the status */ }
    detail.replaceChildren(el('p', `This request is not available: ${message}`, 'empty'));
    return;
  }
  // The fragment comes from renderTraceHtml on the server, which escapes every trace value.
  detail.innerHTML = await answer.text();
  await drawDiagrams(detail);
}

function clearDetail() {
  state.selected = undefined;
  for (const row of $('request-rows').children) row.classList.remove('selected');
  $('detail').replaceChildren(el('p', 'Pick a request to see what the server checked, in order, and why it answered as it did.', 'empty'));
}

// ---- classroom -----------------------------------------------------------------------------

function renderClassroom() {
  const rows = classroomRows([...state.traces.values()]);
  $('classroom-rows').replaceChildren(...rows.map((row) => {
    const tr = el('tr');
    tr.dataset.clientId = row.clientId;
    const who = el('td', undefined, 'who');
    who.append(el('span', row.clientId, 'client'));
    const name = state.clientNames.get(row.clientId);
    if (name) who.append(el('span', name, 'name'));
    const successes = el('td', String(row.successes), `num ${row.successes > 0 ? 'good' : 'none'}`);
    const refusal = el('td', undefined, 'refusal');
    if (row.commonRefusal === undefined) refusal.append(el('span', 'none', 'muted'));
    else {
      refusal.append(el('span', row.commonRefusal.error, 'pill refused'));
      if (row.commonRefusal.code !== undefined) refusal.append(el('span', ` ${row.commonRefusal.code}`, 'code'));
      refusal.append(el('span', ` ×${row.commonRefusal.count}`, 'count'));
    }
    tr.append(who, el('td', String(row.attempts), 'num'), successes, refusal);
    return tr;
  }));
  $('classroom-empty').hidden = rows.length > 0;
}

// ---- routing -------------------------------------------------------------------------------

function route() {
  const hash = location.hash;
  const classroom = hash === '#/classroom';
  document.body.dataset.view = classroom ? 'classroom' : 'requests';
  $('requests-view').hidden = classroom;
  $('classroom-view').hidden = !classroom;
  $('nav-requests').classList.toggle('active', !classroom);
  $('nav-classroom').classList.toggle('active', classroom);
  if (classroom) {
    loadClientNames();
    renderClassroom();
    return;
  }
  const match = /^#\/trace\/(.+)$/.exec(hash);
  if (match !== null) showDetail(decodeURIComponent(match[1]));
  else clearDetail();
}

for (const id of ['filter-client', 'filter-endpoint', 'filter-result']) $(id).addEventListener('input', renderList);
$('filters').addEventListener('submit', (e) => e.preventDefault());
$('pause').addEventListener('click', togglePause);
window.addEventListener('hashchange', route);

connect();
loadHistory();
route();
