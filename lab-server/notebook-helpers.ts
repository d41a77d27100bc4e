/**
 * The helpers chapters use to show the server's answer and its trace, in one place:
 *
 *   import * as tslab from 'tslab';
 *   const { show, expectAccepted, expectRefused, tryRegister, showTrace, checkPrediction, showReplay } = notebookHelpers(tslab, lab);
 *
 * A trace becomes two display_data outputs (traceOutputs): the compact HTML, and the exchange as
 * text/vnd.mermaid with a sentence as its text/plain fallback.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LabResponse } from './http-client.js';
import type { Lab } from './notebook.js';
import { HELPER_LABELS, notebookLanguage, type LabLanguage } from './trace-labels.js';
import { escapeHtml, traceOutputs, type MimeBundle } from './trace-render.js';
import type { Trace } from './traces.js';

/** The part of the `tslab` module the helpers use (tslab 1.0.22). */
export interface TslabModule {
  display: { raw(contentType: string, data: string): unknown };
}

type WriteDisplayData = (content: { data: Record<string, string>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

const moduleCache = createRequire(import.meta.url).cache;

/**
 * tslab's public display API sends one MIME type per output; a bundle with a fallback needs the
 * kernel's own display_data writer, which lives in the jupyter module next to the `tslab` module the
 * cell imported (found in Node's module cache by identity, so it is the running kernel's copy).
 */
function displayDataWriter(tslab: TslabModule): WriteDisplayData | undefined {
  const entry = Object.values(moduleCache).find((m) => m?.exports === tslab || (m?.exports as TslabModule | undefined)?.display === tslab.display);
  if (entry === undefined) return undefined;
  const jupyter = moduleCache[join(dirname(entry.filename), 'jupyter.js')]?.exports as { lastWriteDisplayData?: WriteDisplayData | null } | undefined;
  return jupyter?.lastWriteDisplayData ?? undefined;
}

/** Sends one display_data output carrying the whole bundle (or, failing that, its richest type). */
export function displayBundle(tslab: TslabModule, bundle: MimeBundle): void {
  const write = displayDataWriter(tslab);
  if (write !== undefined) {
    write({ data: bundle.data, metadata: bundle.metadata, transient: {} }, false);
    return;
  }
  const [type, data] = Object.entries(bundle.data)[0] ?? [];
  if (type !== undefined && data !== undefined) tslab.display.raw(type, data);
}

/** Shows a trace as a notebook shows it: the compact HTML, then the exchange diagram, in the chapter's language. */
export function displayTrace(tslab: TslabModule, trace: Trace | undefined, language: LabLanguage = notebookLanguage()): void {
  displayTraceIn(tslab, trace, language);
}

function displayTraceIn(tslab: TslabModule, trace: Trace | undefined, language: LabLanguage): void {
  for (const bundle of traceOutputs(trace, language)) displayBundle(tslab, bundle);
}

/** One refusal met by expectRefused, for a chapter's summary table. */
export interface Refusal {
  mistake: string;
  status: number;
  error: string;
  code: string;
  check: string;
  spec: string;
}

/**
 * What a learner expects before a request is sent, written in a cell tagged `predict`. Members left
 * out are not compared: `{ status: 400 }` alone is a prediction too.
 */
export interface Prediction {
  /** The HTTP status, e.g. 200, 400, 401. */
  status?: number;
  /** The `error` member of the answer (RFC 6749 §5.2, RFC 7591 §3.2.2), e.g. 'invalid_client'. */
  error?: string;
  /** The lab's stable error code in the trace, e.g. 'ERR_ASSERTION_AUD'. */
  code?: string;
  /** The name of the check that fails first, as the trace's checks table shows it, e.g. 'aud'. */
  check?: string;
}

/** One compared member of a prediction. */
export interface PredictionLine {
  member: keyof Prediction;
  predicted: string;
  actual: string;
  matched: boolean;
}

/** What checkPrediction found; it never throws, so a wrong guess never stops the notebook. */
export interface PredictionResult {
  /** True when a prediction was written and every member written matched. */
  matched: boolean;
  lines: PredictionLine[];
}

export interface NotebookHelpers {
  /** Prints the status, the body and the failed check, and shows the trace of this answer. */
  show(answer: LabResponse, server?: Lab): void;
  /** Prints `label: HTTP status`, the named response headers and the body, and shows the trace. */
  show(label: string, answer: LabResponse, headers?: string[]): void;
  /** Shows the answer; throws unless it is a 200. */
  expectAccepted(answer: LabResponse, server?: Lab): void;
  /** Shows the answer; throws unless it is a refusal whose trace carries `code` (the lib's error code). */
  expectRefused(answer: LabResponse, code: string, server?: Lab): void;
  /** Same, and the answer's `error` must be `error` (RFC 6749 §5.2). */
  expectRefused(answer: LabResponse, error: string, code: string): void;
  /** A refusal (4xx) with `code`, recorded in `refusals` under `mistake`. */
  expectRefused(mistake: string, answer: LabResponse, code: string): void;
  /** Registers, or prints why the server refused the metadata and shows that trace (RFC 7591 §3.2.2). */
  tryRegister(metadata: Record<string, unknown>): Promise<void>;
  /** Shows a trace (the newest by default). */
  showTrace(trace?: Trace): void;
  /** Every refusal recorded by expectRefused(mistake, …), in order. */
  refusals: Refusal[];
  /**
   * Shows the answer and its trace, then sets the learner's prediction beside what the server did,
   * member by member. A missing or wrong prediction is answered with the server's verdict, never an
   * exception.
   */
  checkPrediction(prediction: Prediction | undefined | null, answer: LabResponse, server?: Lab): PredictionResult;
  /** Shows the replay store as GET /lab/replay lists it (with `mark`, only the pairs with that jti), and returns the list. */
  showReplay(mark?: string): Promise<ReplayListing>;
}

/** The members of a prediction compared, in the order a learner reads an answer. */
const predictionMembers: (keyof Prediction)[] = ['status', 'error', 'code', 'check'];

/** Compares a prediction with an answer and its trace (pure: the notebook shows the result). */
export function comparePrediction(prediction: Prediction | undefined | null, answer: LabResponse, trace: Trace | undefined): PredictionResult {
  const failed = trace?.checks.find((c) => !c.passed);
  const actual: Record<keyof Prediction, string> = {
    status: String(answer.status),
    error: typeof answer.body === 'object' && answer.body !== null && typeof (answer.body as { error?: unknown }).error === 'string' ? String((answer.body as { error: string }).error) : '(none)',
    code: trace?.outcome.code ?? '(none)',
    check: failed?.name ?? '(none failed)',
  };
  const written = predictionMembers.filter((m) => prediction?.[m] !== undefined && prediction[m] !== '');
  const lines = written.map((member) => {
    const predicted = String(prediction?.[member]);
    return { member, predicted, actual: actual[member], matched: predicted.toLowerCase() === actual[member].toLowerCase() };
  });
  return { matched: lines.length > 0 && lines.every((l) => l.matched), lines };
}

/** The comparison as a small HTML table and as text, one display_data output. */
export function predictionBundle(result: PredictionResult, answer: LabResponse, trace: Trace | undefined, language: LabLanguage = 'en'): MimeBundle {
  const words = HELPER_LABELS[language];
  const failed = trace?.checks.find((c) => !c.passed);
  const verdict = answer.status < 400 ? words.accepted(answer.status) : words.refused(answer.status, failed?.name, trace?.outcome.code);
  const heading = result.lines.length === 0 ? words.noPrediction(verdict) : result.matched ? words.predictionMatches(verdict) : words.predictionDiffers(verdict);
  const rows = result.lines.map((l) => `<tr class="${l.matched ? 'pass' : 'fail'}"><td class="mark"><span>${l.matched ? '✓' : '✗'}</span></td><td class="k">${escapeHtml(l.member)}</td><td>${escapeHtml(l.predicted)}</td><td>${escapeHtml(l.actual)}</td></tr>`).join('');
  const col = words.columns;
  const html = `<div class="lab-prediction" lang="${language}" data-matched="${String(result.matched)}"><p>${escapeHtml(heading)}</p>`
    + (rows === '' ? '' : `<table class="lt"><thead><tr><th></th><th>${escapeHtml(col.member)}</th><th>${escapeHtml(col.predicted)}</th><th>${escapeHtml(col.server)}</th></tr></thead><tbody>${rows}</tbody></table>`)
    + '</div>';
  const text = [heading, ...result.lines.map((l) => `  ${l.matched ? '✓' : '✗'} ${words.predictedLine(l.member, l.predicted, l.actual)}`)].join('\n');
  return { data: { 'text/html': html, 'text/plain': text }, metadata: {} };
}

function bodyText(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** The trace of this answer: the one named by its X-Lab-Trace-Id, else the server's newest. */
function traceOf(server: Lab, answer: LabResponse): Trace | undefined {
  const id = answer.headers['x-lab-trace-id'];
  return (id === undefined ? undefined : server.server.context.traces.get(id)) ?? server.lastTrace();
}

function isLab(value: unknown): value is Lab {
  return typeof value === 'object' && value !== null && typeof (value as Lab).lastTrace === 'function';
}

/** The helpers bound to one cell's `tslab` and the chapter's lab server. */
export function notebookHelpers(tslab: TslabModule, lab: Lab, language: LabLanguage = notebookLanguage()): NotebookHelpers {
  const refusals: Refusal[] = [];
  const words = HELPER_LABELS[language];
  const displayTrace = (t: TslabModule, trace: Trace | undefined) => displayTraceIn(t, trace, language);

  const showAnswer = (answer: LabResponse, server: Lab): Trace | undefined => {
    console.log(`HTTP ${answer.status}`);
    console.log(JSON.stringify(answer.body, null, 2));
    const trace = traceOf(server, answer);
    const failed = trace?.checks.find((c) => !c.passed);
    if (failed !== undefined) console.log(`\n${words.serverReason(failed.name, failed.detail, failed.spec ?? '')}`);
    displayTrace(tslab, trace);
    return trace;
  };

  function show(answer: LabResponse, server?: Lab): void;
  function show(label: string, answer: LabResponse, headers?: string[]): void;
  function show(first: LabResponse | string, second?: LabResponse | Lab, headers: string[] = []): void {
    if (typeof first !== 'string') {
      showAnswer(first, isLab(second) ? second : lab);
      return;
    }
    const answer = second as LabResponse;
    console.log(`${first}: HTTP ${answer.status}${headers.length === 0 ? ` ${bodyText(answer.body)}` : ''}`);
    if (headers.length > 0) {
      for (const h of headers) console.log(`  ${h}: ${answer.headers[h] ?? '(absent)'}`);
      console.log(`  body: ${bodyText(answer.body)}`);
    }
    displayTrace(tslab, traceOf(lab, answer));
  }

  function expectAccepted(answer: LabResponse, server: Lab = lab): void {
    showAnswer(answer, server);
    if (answer.status !== 200) throw new Error(`expected tokens, got HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
  }

  function expectRefused(answer: LabResponse, code: string, server?: Lab): void;
  function expectRefused(answer: LabResponse, error: string, code: string): void;
  function expectRefused(mistake: string, answer: LabResponse, code: string): void;
  function expectRefused(first: LabResponse | string, second: LabResponse | string, third?: string | Lab): void {
    if (typeof first === 'string') {
      const answer = second as LabResponse;
      const trace = showAnswer(answer, lab);
      const failed = trace?.checks.find((c) => !c.passed);
      refusals.push({ mistake: first, status: answer.status, error: String(answer.body?.error), code: String(trace?.outcome.code), check: failed?.name ?? '', spec: failed?.spec ?? '' });
      if (answer.status < 400 || trace?.outcome.code !== third) throw new Error(`expected a refusal with ${String(third)}, got HTTP ${answer.status} ${trace?.outcome.code ?? ''}`);
      return;
    }
    const [error, code, server] = typeof third === 'string' ? [second as string, third, lab] : [undefined, second as string, third ?? lab];
    const got = showAnswer(first, server)?.outcome.code;
    if (first.status < 400 || got !== code || (error !== undefined && first.body?.error !== error)) {
      throw new Error(`expected a refusal with ${error === undefined ? code : `${error} (${code})`}, got HTTP ${first.status} ${first.body?.error ?? ''} ${got ?? ''}`);
    }
  }

  async function tryRegister(metadata: Record<string, unknown>): Promise<void> {
    try {
      const client = await lab.register(metadata);
      console.log('registered', client.client_id);
    } catch (error) {
      console.log('registration refused:', JSON.stringify((error as { body?: unknown }).body));
      displayTrace(tslab, lab.lastTrace({ endpoint: 'register' }));
    }
  }

  function checkPrediction(prediction: Prediction | undefined | null, answer: LabResponse, server: Lab = lab): PredictionResult {
    const trace = showAnswer(answer, server);
    const result = comparePrediction(prediction, answer, trace);
    displayBundle(tslab, predictionBundle(result, answer, trace, language));
    return result;
  }

  return {
    show, expectAccepted, expectRefused, tryRegister, showTrace: (trace = lab.lastTrace()) => displayTrace(tslab, trace), refusals, checkPrediction,
    showReplay: (mark?: string) => showReplay(tslab, lab, mark, language),
  };
}

// ---- chapters 00–05: the replay store ------------------------------------------------------

/** One pair of the replay store, as GET /lab/replay lists it. */
export interface ReplayListingEntry {
  iss: string;
  jti: string;
  /** When the pair may be used again (ISO 8601, the lab clock). */
  expires_at: string;
  /** Seconds from the server's now until then. */
  expires_in: number;
}

/** GET /lab/replay's answer. */
export interface ReplayListing {
  now: string;
  entries: ReplayListingEntry[];
}

/** How many pairs a cell shows before folding the rest into one line. */
const REPLAY_ROWS_SHOWN = 8;

/**
 * The replay list as a small table and as text, one display_data output. With `mark`, only the pairs
 * with that jti are drawn (highlighted) and the others are counted; without, the first rows.
 */
export function replayBundle(listing: ReplayListing, mark?: string, language: LabLanguage = 'en'): MimeBundle {
  const words = HELPER_LABELS[language].replay;
  const marked = listing.entries.filter((e) => e.jti === mark);
  const shown = mark === undefined ? listing.entries.slice(0, REPLAY_ROWS_SHOWN) : marked;
  const hidden = listing.entries.length - shown.length;
  const heading = words.heading(listing.now, listing.entries.length);
  const rows = shown.map((e) => `<tr class="${e.jti === mark ? 'pass' : ''}"><td><code>${escapeHtml(e.iss)}</code></td><td><code>${e.jti === mark ? `<strong>${escapeHtml(e.jti)}</strong>` : escapeHtml(e.jti)}</code></td><td>${escapeHtml(e.expires_at)}</td><td>${e.expires_in} s</td></tr>`).join('');
  const others = mark === undefined ? words.more(hidden) : words.others(hidden, marked.length === 0 ? mark : undefined);
  const more = hidden > 0 || (mark !== undefined && marked.length === 0) ? `<p>${escapeHtml(others)}</p>` : '';
  const html = `<div class="lab-replay"><p>${escapeHtml(heading)}</p>`
    + (rows === '' ? '' : `<table class="lt"><thead><tr><th>iss</th><th>jti</th><th>${escapeHtml(words.expiresAt)}</th><th>${escapeHtml(words.expiresIn)}</th></tr></thead><tbody>${rows}</tbody></table>`)
    + `${more}</div>`;
  const text = [heading, ...shown.map((e) => `  ${e.jti === mark ? '→' : ' '} ${e.iss}  ${e.jti}  until ${e.expires_at} (${e.expires_in} s)`), ...(more === '' ? [] : [`  ${others}`])].join('\n');
  return { data: { 'text/html': html, 'text/plain': text }, metadata: {} };
}

/** Asks the lab server for its replay list over HTTP (GET /lab/replay) and shows it. */
export async function showReplay(tslab: TslabModule, lab: Lab, mark?: string, language: LabLanguage = notebookLanguage()): Promise<ReplayListing> {
  const answer = await lab.request(`${lab.httpUrl}/lab/replay`);
  if (answer.status !== 200) throw new Error(`GET /lab/replay answered HTTP ${answer.status}: ${bodyText(answer.body)}`);
  const listing = answer.body as ReplayListing;
  displayBundle(tslab, replayBundle(listing, mark, language));
  return listing;
}

// ---- chapters 00–05: long text dumps, folded -----------------------------------------------

export interface FoldOptions {
  /** The label of the folded whole, e.g. "the whole DER dump". */
  summary: string;
  /** Lines to keep in view (the part the text talks about); by default the first `head` lines. */
  keep?: RegExp | ((line: string, index: number) => boolean);
  /** How many lines stay in view when `keep` is not given (default 12). */
  head?: number;
}

/** The kept lines in view and the whole text behind a <details>, as HTML and as text. */
export function foldedBundle(text: string, options: FoldOptions): MimeBundle {
  const lines = text.replace(/\n+$/, '').split('\n');
  const { keep } = options;
  const kept = keep === undefined
    ? lines.slice(0, options.head ?? 12)
    : lines.filter((line, i) => (keep instanceof RegExp ? keep.test(line) : keep(line, i)));
  const hidden = lines.length - kept.length;
  const note = hidden > 0 ? `${options.summary}: ${lines.length} lines, ${hidden} folded` : options.summary;
  const pre = (t: string): string => `<pre style="margin:0;white-space:pre;overflow-x:auto">${escapeHtml(t)}</pre>`;
  const html = `<div class="lab-folded">${pre(kept.join('\n'))}`
    + (hidden > 0 ? `<details><summary>${escapeHtml(note)}</summary>${pre(lines.join('\n'))}</details>` : '')
    + '</div>';
  const plain = hidden > 0 ? `${kept.join('\n')}\n… (${note}; open it in the HTML output)` : kept.join('\n');
  return { data: { 'text/html': html, 'text/plain': plain }, metadata: {} };
}

/** Shows a long dump folded to the lines the chapter talks about; the rest opens on a click. */
export function showFolded(tslab: TslabModule, text: string, options: FoldOptions): void {
  displayBundle(tslab, foldedBundle(text, options));
}

// ── Chapters 06–12: a real nginx in front of the lab, and prediction tables ──────────────────────
// (kept in one block; its imports are here so the block stays self-contained)
import { readFile } from 'node:fs/promises';
import { findNginx, nginxVersion, NGINX_EXAMPLE_CONFIGURATION, startNginx, type RunningNginx } from './nginx.js';

/** The first nginx release with $ssl_client_escaped_cert (its changelog, 1.13.5). */
export const NGINX_ESCAPED_CERT_SINCE = '1.13.5';

/** The nginx variable a proxy forwards in X-Ssl-Cert: the URL-encoded PEM, or the deprecated tab-folded one. */
export type NginxCertificateVariable = 'ssl_client_escaped_cert' | 'ssl_client_cert';

/** True when `version` (e.g. "1.22.1") is at least `since` (e.g. "1.13.5"). */
export function versionAtLeast(version: string, since: string): boolean {
  const a = version.split('.').map(Number);
  const b = since.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/**
 * examples/nginx/nginx.conf forwarding `variable` instead: the deprecated $ssl_client_cert is the
 * example's one forwarding line with the variable swapped, so chapter 06 can show a real nginx fold it.
 */
export function nginxTemplateForwarding(template: string, variable: NginxCertificateVariable): string {
  const line = /^( +)proxy_set_header X-Ssl-Cert \$ssl_client_escaped_cert;$/m;
  if (!line.test(template)) throw new Error('examples/nginx/nginx.conf changed: no "proxy_set_header X-Ssl-Cert $ssl_client_escaped_cert;" line');
  return template.replace(line, `$1proxy_set_header X-Ssl-Cert $${variable};`);
}

/**
 * Starts a real nginx in front of `lab` (which must trust 127.0.0.1 as a proxy) as this process's
 * child, on a free port, with the lab CA's server certificate; undefined, with a sentence saying so,
 * when nginx is not installed. Stop it with `.stop()`.
 */
export async function startLabNginx(lab: Lab, variable: NginxCertificateVariable = 'ssl_client_escaped_cert'): Promise<RunningNginx | undefined> {
  const binary = findNginx();
  if (binary === undefined) {
    console.log('nginx is not installed here (Debian: apt-get install nginx): the cells below send what nginx would send upstream, from this notebook (simulated).');
    return undefined;
  }
  const version = nginxVersion(binary);
  if (variable === 'ssl_client_escaped_cert' && !versionAtLeast(version, NGINX_ESCAPED_CERT_SINCE)) {
    console.log(`nginx/${version} predates $ssl_client_escaped_cert (nginx ${NGINX_ESCAPED_CERT_SINCE}): the cells below simulate the proxy instead.`);
    return undefined;
  }
  const template = nginxTemplateForwarding(await readFile(NGINX_EXAMPLE_CONFIGURATION, 'utf8'), variable);
  const certificate = await lab.server.ca.serverCertificate(['127.0.0.1', 'localhost']);
  const proxy = await startNginx({ upstream: lab.httpUrl, certificatePem: certificate.certificatePem, privateKeyPem: certificate.privateKeyPem, binary, template });
  console.log(`nginx/${proxy.version} started as a child of this kernel: ${proxy.url} → ${lab.httpUrl}, forwarding X-Ssl-Cert: $${variable}`);
  return proxy;
}

/** One row of a prediction table: a case, the learner's prediction, and the server's answer to it. */
export interface PredictedCase {
  name: string;
  prediction: Prediction | undefined | null;
  answer: LabResponse;
}

/**
 * Compares a whole table of predictions with the answers, as checkPrediction does for one, and shows
 * one table (never throws): each row with the learner's guess, the server's status, error, code and
 * failed check, so a drill of ten requests stays one output.
 */
export function checkPredictionTable(tslab: TslabModule, lab: Lab, cases: PredictedCase[], language: LabLanguage = notebookLanguage()): PredictionResult[] {
  const words = HELPER_LABELS[language];
  const results = cases.map((c) => comparePrediction(c.prediction, c.answer, traceOf(lab, c.answer)));
  const rows = cases.map((c, i) => {
    const trace = traceOf(lab, c.answer);
    const failed = trace?.checks.find((check) => !check.passed);
    const result = results[i]!;
    const guess = result.lines.length === 0 ? words.noPredictionYet : result.lines.map((l) => `${l.member} ${l.predicted}`).join(', ');
    const mark = result.lines.length === 0 ? '·' : result.matched ? '✓' : '✗';
    const server = [`HTTP ${c.answer.status}`, c.answer.body?.error, trace?.outcome.code, failed === undefined ? undefined : `check "${failed.name}"`].filter((x) => x !== undefined).join(', ');
    return { mark, name: c.name, guess, server, spec: failed?.spec ?? '', matched: result.matched };
  });
  const right = results.filter((r) => r.matched).length;
  const written = results.filter((r) => r.lines.length > 0).length;
  const heading = written === 0 ? words.noPredictions(cases.length) : words.predictedRight(right, cases.length, cases.length - written);
  const col = words.columns;
  const html = `<div class="lab-prediction" lang="${language}"><p>${escapeHtml(heading)}</p><table class="lt"><thead><tr><th>${escapeHtml(col.case)}</th><th>${escapeHtml(col.predicted)}</th><th>${escapeHtml(col.server)}</th><th>${escapeHtml(col.rule)}</th></tr></thead><tbody>`
    // The mark shares the case's cell: a column of one symbol would be squeezed to nothing by notebook table CSS.
    + rows.map((r) => `<tr class="${r.matched ? 'pass' : 'fail'}"><td style="white-space:nowrap">${r.mark} ${escapeHtml(r.name)}</td><td>${escapeHtml(r.guess)}</td><td>${escapeHtml(r.server)}</td><td>${escapeHtml(r.spec)}</td></tr>`).join('')
    + '</tbody></table></div>';
  const text = [heading, ...rows.map((r) => `  ${words.caseLine(r.mark, r.name, r.guess, r.server)}`)].join('\n');
  displayBundle(tslab, { data: { 'text/html': html, 'text/plain': text }, metadata: {} });
  return results;
}

/**
 * checkPrediction for a refusal a chapter also tabulates: shows the comparison, then records the
 * answer in `helpers.refusals` under `mistake`, as expectRefused(mistake, …) would (never throws).
 */
export function checkPredictionAndRecord(helpers: NotebookHelpers, lab: Lab, mistake: string, prediction: Prediction | undefined | null, answer: LabResponse): PredictionResult {
  const result = helpers.checkPrediction(prediction, answer, lab);
  const trace = traceOf(lab, answer);
  const failed = trace?.checks.find((c) => !c.passed);
  helpers.refusals.push({ mistake, status: answer.status, error: String(answer.body?.error), code: String(trace?.outcome.code), check: failed?.name ?? '', spec: failed?.spec ?? '' });
  return result;
}

/** A small HTML table whose cells are escaped, so server text shows exactly as sent (chapters 07, 08). */
export function htmlTable(head: string[], rows: string[][]): string {
  // Wire names such as token_endpoint_auth_signing_alg_values_supported may break after an underscore
  // (<wbr> adds nothing to copied text), so a wide table fits the page instead of running off it.
  const cell = (text: string): string => escapeHtml(text).replace(/_/g, '_<wbr>');
  const th = head.map((h) => `<th style="text-align:left">${cell(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td style="text-align:left">${cell(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

/** Shows htmlTable(head, rows) as one output, with a tab-separated text/plain fallback. */
export function showTable(tslab: TslabModule, head: string[], rows: string[][]): void {
  const text = [head, ...rows].map((r) => r.join('\t')).join('\n');
  displayBundle(tslab, { data: { 'text/html': htmlTable(head, rows), 'text/plain': text }, metadata: {} });
}
