// The trace viewer: a live list of the server's requests (server-sent events), one request's detail
// (HTML rendered by the server's renderTraceHtml, diagram drawn by mermaid) and a classroom summary
// (the instructor's GET /lab/class, or counts over the traces this page holds). A trace file exported
// from any lab server can be opened here (Open file): its traces replace the live list until
// "Back to live", and their detail is drawn by POST /lab/render. The Replay tab lists the replay
// store's (iss, jti) pairs from GET /lab/replay, refreshed as requests arrive.
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
  /** The name of the exported file shown instead of the live list, when one is open. */
  file: undefined,
  /** Trace ids picked from "Failing now", shown alone in the list. */
  idFilter: undefined,
  /** The class view from GET /lab/class, or null when this viewer may not read it. */
  classView: undefined,
  classTimer: undefined,
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
  if (state.idFilter !== undefined && !state.idFilter.ids.has(trace.id)) return false;
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
  if (document.body.dataset.view === 'classroom') scheduleClassroom();
  if (document.body.dataset.view === 'replay') scheduleReplay();
}

function receive(trace) {
  if (state.file !== undefined) return;
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
    if (!state.paused && state.file === undefined) setStream('live');
  });
  source.addEventListener('error', () => {
    state.connected = false;
    if (!state.paused && state.file === undefined) setStream('reconnecting');
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
    // A trace from an opened file is not on the server: it is sent to be drawn.
    answer = state.file === undefined
      ? await fetch(lab(`/lab/traces/${encodeURIComponent(id)}/html`), { cache: 'no-store' })
      : await fetch(lab('/lab/render'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ trace: state.traces.get(id) }) });
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
  if (state.file === undefined) {
    const exported = el('a', 'Export this trace (JSON, secrets masked)', 'export');
    exported.href = lab(`/lab/traces/${encodeURIComponent(id)}/export`);
    exported.setAttribute('download', '');
    detail.prepend(el('p', undefined, 'muted'));
    detail.firstChild.append(exported);
  }
  await drawDiagrams(detail);
}

function clearDetail() {
  state.selected = undefined;
  for (const row of $('request-rows').children) row.classList.remove('selected');
  $('detail').replaceChildren(el('p', 'Pick a request to see what the server checked, in order, and why it answered as it did.', 'empty'));
}

// ---- classroom -----------------------------------------------------------------------------

function scheduleClassroom() {
  if (state.classTimer !== undefined) return;
  state.classTimer = setTimeout(() => {
    state.classTimer = undefined;
    loadClassroom();
  }, 400);
}

async function loadClassroom() {
  if (state.file === undefined) {
    try {
      const answer = await fetch(lab('/lab/class'), { cache: 'no-store' });
      state.classView = answer.ok ? await answer.json() : null;
    } catch {
      state.classView = null;
    }
  } else state.classView = null;
  renderClassroom();
}

/** Rows of the class view: the server's, or counted over the traces this page holds. */
function classRows() {
  if (state.classView) return state.classView;
  const local = classroomRows([...state.traces.values()]);
  const latest = new Map();
  for (const id of state.order) {
    const trace = state.traces.get(id);
    if (trace.clientId === undefined || trace.endpoint === 'register' || trace.endpoint === 'client_configuration' || latest.has(trace.clientId)) continue;
    latest.set(trace.clientId, trace);
  }
  const failing = new Map();
  const clients = local.map((row) => {
    const trace = latest.get(row.clientId);
    const failed = trace?.checks.find((c) => !c.passed);
    const last = trace === undefined ? undefined : {
      trace_id: trace.id, ok: trace.outcome.ok, status: trace.response.status, error: trace.outcome.error, code: trace.outcome.code, check: failed?.name,
    };
    if (last !== undefined && !last.ok) {
      const check = last.check ?? last.code ?? last.error ?? `HTTP ${last.status}`;
      const entry = failing.get(check) ?? { check, code: last.code, clients: 0, client_ids: [], trace_ids: [] };
      entry.clients += 1;
      entry.client_ids.push(row.clientId);
      entry.trace_ids.push(last.trace_id);
      failing.set(check, entry);
    }
    return { client_id: row.clientId, client_name: state.clientNames.get(row.clientId), token_endpoint_auth_method: latest.get(row.clientId)?.method, requests: row.attempts, successes: row.successes, last };
  });
  return { clients, failing: [...failing.values()].sort((a, b) => b.clients - a.clients), local: true };
}

function renderClassroom() {
  const view = classRows();
  $('classroom-note').textContent = view.local
    ? 'Counted over the requests this page holds (the full class view needs the instructor token). Updated live.'
    : 'One row per registered client (registration calls left out), updated live.';
  $('classroom-rows').replaceChildren(...view.clients.map((row) => {
    const tr = el('tr');
    tr.dataset.clientId = row.client_id;
    const who = el('td', undefined, 'who');
    who.append(el('span', row.client_id, 'client'));
    if (row.client_name) who.append(el('span', row.client_name, 'name'));
    const method = el('td', row.token_endpoint_auth_method ?? '—', row.token_endpoint_auth_method === undefined ? 'muted' : 'code');
    const successes = el('td', String(row.successes), `num ${row.successes > 0 ? 'good' : 'none'}`);
    const last = el('td', undefined, 'refusal');
    if (row.last === undefined) last.append(el('span', 'no request yet', 'muted'));
    else if (row.last.ok) last.append(el('span', 'ok', 'pill issued'));
    else {
      last.append(el('span', row.last.error ?? `HTTP ${row.last.status}`, 'pill refused'));
      if (row.last.check !== undefined) last.append(el('span', ` ${row.last.check}`, 'check'));
      if (row.last.code !== undefined) last.append(el('span', ` ${row.last.code}`, 'code'));
    }
    if (row.last !== undefined) {
      last.tabIndex = 0;
      last.title = 'open this request';
      last.addEventListener('click', () => { location.hash = `#/trace/${encodeURIComponent(row.last.trace_id)}`; });
    }
    tr.append(who, method, el('td', String(row.requests), 'num'), successes, last);
    return tr;
  }));
  $('classroom-empty').hidden = view.clients.length > 0;
  $('failing').replaceChildren(...view.failing.map((f) => {
    const li = el('li');
    li.dataset.check = f.check;
    const button = el('button');
    button.type = 'button';
    button.append(el('span', `${f.clients} ${f.clients === 1 ? 'client' : 'clients'}`, 'count'), el('span', `: ${f.check}`), el('span', f.code === undefined ? '' : ` (${f.code})`, 'code muted'));
    button.addEventListener('click', () => showOnly(f.trace_ids, `${f.clients} ${f.clients === 1 ? 'client' : 'clients'} failing ${f.check}`));
    li.append(button);
    return li;
  }));
  $('failing-empty').hidden = view.failing.length > 0;
}

/** Shows only the given traces in the list (fetching those this page does not hold yet). */
async function showOnly(ids, label) {
  for (const id of ids) {
    if (state.traces.has(id) || state.file !== undefined) continue;
    try {
      const answer = await fetch(lab(`/lab/traces/${encodeURIComponent(id)}`), { cache: 'no-store' });
      if (answer.ok) add(await answer.json());
    } catch { /* the list shows what it has */ }
  }
  state.idFilter = { ids: new Set(ids), label };
  $('id-filter-text').textContent = `showing ${label}`;
  $('id-filter').hidden = false;
  location.hash = ids.length === 1 ? `#/trace/${encodeURIComponent(ids[0])}` : '#/';
  renderList();
}

function clearIdFilter() {
  state.idFilter = undefined;
  $('id-filter').hidden = true;
  renderList();
}

// ---- replay store --------------------------------------------------------------------------

let replayTimer;
function scheduleReplay() {
  if (replayTimer !== undefined) return;
  replayTimer = setTimeout(() => {
    replayTimer = undefined;
    loadReplay();
  }, 300);
}

function expiresIn(seconds) {
  return seconds >= 120 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
}

async function loadReplay() {
  let view;
  try {
    const answer = await fetch(lab('/lab/replay'), { cache: 'no-store' });
    view = answer.ok ? await answer.json() : { error: (await answer.json()).error_description ?? `HTTP ${answer.status}` };
  } catch (error) {
    view = { error: error.message };
  }
  const entries = Array.isArray(view.entries) ? view.entries : [];
  $('replay-note').textContent = view.error !== undefined
    ? `The replay store is not available: ${view.error}`
    : `${entries.length} pair${entries.length === 1 ? '' : 's'}, as of the server's clock ${timeOf(view.now)}.`;
  $('replay-rows').replaceChildren(...entries.map((entry) => {
    const tr = el('tr');
    tr.dataset.iss = entry.iss;
    tr.dataset.jti = entry.jti;
    tr.append(el('td', entry.iss, 'code'), el('td', entry.jti, 'code'), el('td', timeOf(entry.expires_at), 'code'), el('td', expiresIn(entry.expires_in), 'num'));
    return tr;
  }));
  $('replay-empty').hidden = entries.length > 0;
}

// ---- files: export and open ---------------------------------------------------------------

function updateExportLink() {
  const client = $('filter-client').value.trim();
  $('export-session').href = lab(client === '' ? '/lab/export' : `/lab/export?client_id=${encodeURIComponent(client)}`);
}

function resetList() {
  state.traces.clear();
  state.order.length = 0;
  clearDetail();
  state.idFilter = undefined;
  $('id-filter').hidden = true;
}

async function openFile(file) {
  let parsed;
  try {
    parsed = JSON.parse(await file.text());
  } catch (error) {
    alert(`${file.name} is not JSON: ${error.message}`);
    return;
  }
  if (parsed?.format !== 'client-auth-lab/traces' || !Array.isArray(parsed.traces)) {
    alert(`${file.name} is not a trace file exported by client-auth-lab (format client-auth-lab/traces)`);
    return;
  }
  state.file = file.name;
  resetList();
  for (const trace of parsed.traces) {
    if (trace && typeof trace.id === 'string' && typeof trace.endpoint === 'string' && trace.outcome && trace.request && trace.response && Array.isArray(trace.checks)) add(trace);
  }
  renderList();
  document.body.dataset.stream = 'file';
  $('stream-state').textContent = `file: ${file.name} (${state.order.length} traces)`;
  $('back-live').hidden = false;
  $('pause').hidden = true;
  if (document.body.dataset.view === 'classroom') loadClassroom();
}

function backToLive() {
  state.file = undefined;
  resetList();
  $('back-live').hidden = true;
  $('pause').hidden = false;
  $('open-file').value = '';
  setStream(state.connected ? 'live' : 'reconnecting');
  loadHistory();
}

// ---- routing -------------------------------------------------------------------------------

function route() {
  const hash = location.hash;
  const classroom = hash === '#/classroom';
  const replay = hash === '#/replay';
  document.body.dataset.view = classroom ? 'classroom' : (replay ? 'replay' : 'requests');
  $('requests-view').hidden = classroom || replay;
  $('classroom-view').hidden = !classroom;
  $('replay-view').hidden = !replay;
  $('nav-requests').classList.toggle('active', !classroom && !replay);
  $('nav-classroom').classList.toggle('active', classroom);
  $('nav-replay').classList.toggle('active', replay);
  if (replay) {
    loadReplay();
    return;
  }
  if (classroom) {
    loadClientNames();
    renderClassroom();
    loadClassroom();
    return;
  }
  const match = /^#\/trace\/(.+)$/.exec(hash);
  if (match !== null) showDetail(decodeURIComponent(match[1]));
  else clearDetail();
}

for (const id of ['filter-client', 'filter-endpoint', 'filter-result']) $(id).addEventListener('input', renderList);
$('filter-client').addEventListener('input', updateExportLink);
$('id-filter-clear').addEventListener('click', clearIdFilter);
$('open-file').addEventListener('change', (e) => { const file = e.target.files?.[0]; if (file) openFile(file); });
$('back-live').addEventListener('click', backToLive);
updateExportLink();
$('filters').addEventListener('submit', (e) => e.preventDefault());
$('pause').addEventListener('click', togglePause);
window.addEventListener('hashchange', route);

connect();
loadHistory();
route();
