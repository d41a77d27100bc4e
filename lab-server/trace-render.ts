/**
 * A trace as HTML: the one rendering shared by notebooks and the trace viewer, which fetches
 * GET /lab/traces/:id/html (the full form). It shows why at a glance, every check in order with its
 * spec links, the inputs (headers, masked form, decoded JWTs with readable times, certificate) and the
 * response; in a notebook (the compact form) inputs and response are folded and the exchange diagram
 * is a separate text/vnd.mermaid output (traceOutputs).
 *
 * Every value in a trace is untrusted text (a learner picks client names, claims, parameters): each
 * goes through escapeHtml, and diagram labels are reduced to a safe alphabet first.
 */
import { specLinks } from './spec-links.js';
import { TRACE_LABELS, type LabLanguage, type TraceLabels } from './trace-labels.js';
import { traceMethod, traceResult, type TraceResult } from './trace-summary.js';
import type { CertificateSummary, Trace } from './traces.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

/**
 * The styles of a rendered trace, scoped to .lab-trace so a notebook page keeps its own look. Table
 * rules name `table.lt` so they outrank JupyterLab's `:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td`
 * (and nbconvert's lab template, which ships the same CSS): its `table-layout: fixed` is what squeezed
 * narrow columns to one letter per line. Names never wrap; values wrap anywhere but keep a minimum width.
 */
const TRACE_STYLE = `
.lab-trace{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:72rem;text-align:left}
.lab-trace code,.lab-trace pre{font:12.5px/1.4 ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace}
.lab-trace h3,.lab-trace .lab-trace-h{display:block;font-size:15px;font-weight:600;margin:1.1em 0 .4em;padding-bottom:.15em;border-bottom:1px solid #d0d7de}
.lab-trace h4,.lab-trace .lab-trace-sub{display:block;font-size:13px;font-weight:600;margin:.8em 0 .3em;color:#57606a;text-transform:uppercase;letter-spacing:.04em}
.lab-trace p{margin:.2em 0;text-align:left}
.lab-trace table.lt{border-collapse:collapse;table-layout:auto;width:100%;margin:.2em 0;font-size:13px;color:inherit}
.lab-trace table.lt th,.lab-trace table.lt td{text-align:left;vertical-align:top;padding:.3em .5em;border:none;border-bottom:1px solid #e5e7eb;line-height:1.4;max-width:none}
.lab-trace table.lt th{font-weight:600;color:#57606a;font-size:12.5px;white-space:nowrap}
.lab-trace table.lt tbody tr{background:transparent}
.lab-trace table.lt td{white-space:normal;overflow-wrap:anywhere;min-width:8em}
.lab-trace table.lt td.k,.lab-trace table.lt td.n,.lab-trace table.lt td.mark{white-space:nowrap;overflow-wrap:normal;min-width:0}
.lab-trace table.lt td.k{width:1%}
.lab-trace table.lt td code{white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-all}
.lab-trace table.lt td.k code{white-space:nowrap;overflow-wrap:normal;word-break:normal}
.lab-trace table.lt td.mark{width:2.5em;text-align:center;font-weight:700}
.lab-trace table.lt td.n{width:2.5em;text-align:right}
.lab-trace table.lt td.n>span,.lab-trace table.lt td.mark>span{display:inline-block;min-width:2.4em}
.lab-trace table.lt td.spec{min-width:9em;width:14em}
.lab-trace table.lt td.spec a{white-space:nowrap}
.lab-trace table.lt tr.fail td{background:#ffebe9}
.lab-trace table.lt tr.pass td.mark{color:#1a7f37}
.lab-trace table.lt tr.fail td.mark{color:#cf222e}
.lab-trace .lab-trace-head{display:flex;flex-wrap:wrap;gap:.4em .8em;align-items:baseline}
.lab-trace .badge{display:inline-block;padding:.1em .6em;border-radius:1em;font-weight:600}
.lab-trace .badge.ok{background:#dafbe1;color:#116329}
.lab-trace .badge.refused{background:#ffebe9;color:#a40e26}
.lab-trace .muted{color:#57606a}
.lab-trace .why{border-left:4px solid #cf222e;background:#fff5f5;padding:.5em .8em;margin:.8em 0}
.lab-trace .why.ok{border-color:#1a7f37;background:#f3fbf5}
.lab-trace details{margin:.5em 0}
.lab-trace details>summary{cursor:pointer;font-weight:600;color:#57606a}
.lab-trace pre{background:#f6f8fa;border:1px solid #e5e7eb;border-radius:6px;padding:.6em .8em;margin:.3em 0;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
.lab-trace pre.lab-trace-diagram{background:#fff;text-align:center}
.lab-trace code{background:transparent;padding:0;white-space:pre-wrap}
.lab-trace a{color:#0969da}
`.replace(/\n/g, '');

function table(rows: readonly (readonly [string, string])[], head?: readonly [string, string], none = TRACE_LABELS.en.sections.none): string {
  if (rows.length === 0) return `<p class="muted">${escapeHtml(none)}</p>`;
  const thead = head === undefined ? '' : `<thead><tr><th>${escapeHtml(head[0])}</th><th>${escapeHtml(head[1])}</th></tr></thead>`;
  return `<table class="lt">${thead}<tbody>${rows.map(([k, v]) => `<tr><td class="k">${code(k)}</td><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

/** Spec references as links (rfc-editor.org, openid.net); unknown documents stay plain text. */
export function renderSpecLinks(spec: string | undefined): string {
  return specLinks(spec).map((link) => (link.url === undefined
    ? escapeHtml(link.text)
    : `<a href="${escapeHtml(link.url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(link.text)}</a>`)).join('; ');
}

/** A duration in words: "42 s", "3 min", "5 h", "2 days" (「42 秒」 … in Japanese). */
export function describeDuration(seconds: number, language: LabLanguage = 'en'): string {
  const words = TRACE_LABELS[language].duration;
  const s = Math.abs(Math.round(seconds));
  if (s < 90) return words.seconds(s);
  if (s < 90 * 60) return words.minutes(Math.round(s / 60));
  if (s < 36 * 3600) return words.hours(Math.round(s / 3600));
  return words.days(Math.round(s / 86400));
}

/** How a time claim stood at the moment of the request: "in 42 s", "expired 3 min ago", "12 s ago". */
export function describeTimeClaim(claim: string, value: number, requestTime: number, language: LabLanguage = 'en'): string {
  const words = TRACE_LABELS[language].time;
  const delta = value - requestTime;
  const d = describeDuration(delta, language);
  if (claim === 'exp') return delta > 0 ? words.expiresIn(d) : delta === 0 ? words.expiresNow : words.expiredAgo(d);
  if (delta === 0) return words.now;
  return delta > 0 ? words.future(d) : words.ago(d);
}

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);

function jsonText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2) ?? String(value);
}

function claimRows(claims: Record<string, unknown>, requestTime: number, language: LabLanguage): [string, string][] {
  return Object.entries(claims).map(([name, value]) => {
    if (TIME_CLAIMS.has(name) && typeof value === 'number' && Number.isFinite(value)) {
      const date = new Date(value * 1000);
      const when = Number.isNaN(date.getTime()) ? TRACE_LABELS[language].time.invalidDate : date.toISOString().replace('.000Z', 'Z');
      return [name, `${code(String(value))} <span class="muted">= ${escapeHtml(when)}, ${escapeHtml(describeTimeClaim(name, value, requestTime, language))}</span>`];
    }
    return [name, code(jsonText(value))];
  });
}

/** The header a trusted proxy forwarded the certificate in, as it is spelled on the wire. */
const forwardedIn = (cert: CertificateSummary): string | undefined => (cert.source === 'tls' ? undefined : cert.source === 'x-ssl-cert' ? 'X-Ssl-Cert' : 'Client-Cert');

function renderCertificate(cert: CertificateSummary, requestTime: number, language: LabLanguage): string {
  const words = TRACE_LABELS[language].certificate;
  const notAfter = Date.parse(cert.notAfter) / 1000;
  const validity = Number.isNaN(notAfter) ? '' : ` <span class="muted">(${escapeHtml(describeTimeClaim('exp', notAfter, requestTime, language))})</span>`;
  const header = forwardedIn(cert);
  const source = header === undefined ? words.tls : words.proxy(header);
  return table([
    ['subject', code(cert.subject)],
    ['subjectAltName', cert.subjectAltName === undefined ? `<span class="muted">${escapeHtml(words.none)}</span>` : code(cert.subjectAltName)],
    ['x5t#S256', code(cert['x5t#S256'])],
    ['issuer', `${code(cert.issuer)}${cert.selfIssued ? ` <span class="muted">${escapeHtml(words.selfIssued)}</span>` : ''}`],
    ['validity', `${escapeHtml(cert.notBefore)} → ${escapeHtml(cert.notAfter)}${validity}`],
    ['serial', code(cert.serialNumber)],
    [words.receivedFrom, `${escapeHtml(source)}, ${escapeHtml(cert.chainLength === 0 ? words.noChain : words.chain(cert.chainLength))}`],
  ], undefined, TRACE_LABELS[language].sections.none);
}

function parameterRows(values: Record<string, unknown> | undefined): [string, string][] {
  if (values === undefined) return [];
  return Object.entries(values).map(([name, value]) => [name, Array.isArray(value) ? value.map((v) => code(jsonText(v))).join('<br>') : code(jsonText(value))]);
}

/** Reduces untrusted text to characters that mean nothing to mermaid's parser (no ; # : < > " or newlines). */
export function diagramLabel(text: string, max = 40): string {
  const safe = text.replace(/[^A-Za-z0-9 _.\-/()=,+@*~]/g, '?').replace(/\s+/g, ' ').trim();
  return safe.length > max ? `${safe.slice(0, max - 3)}...` : safe;
}

/** How each side of the exchange is named in the diagram and in its sentence. */
function exchangeParts(trace: Trace) {
  const request = trace.request;
  const cert = request.certificate;
  const viaProxy = (cert !== undefined && cert.source !== 'tls') || request.headers['x-forwarded-for'] !== undefined;
  return { request, cert, viaProxy, method: traceMethod(trace), result: traceResult(trace), failed: trace.checks.find((c) => !c.passed), passed: trace.checks.filter((c) => c.passed).length };
}

/**
 * The exchange as a mermaid sequence diagram: client → authorization server, with the TLS handshake
 * (RFC 8705 §2) and a TLS-terminating proxy (certificate forwarded in a header) when they occurred.
 * Only the diagram's own words follow `language`; every value from the trace passes diagramLabel.
 */
export function traceSequenceDiagram(trace: Trace, language: LabLanguage = 'en'): string {
  const words = TRACE_LABELS[language].diagram;
  const { request, cert, viaProxy, method, result, failed, passed } = exchangeParts(trace);
  const client = trace.clientId === undefined ? words.client : `${words.client} ${diagramLabel(trace.clientId, 24)}`;
  const lines = ['sequenceDiagram', `  participant C as ${client}`];
  if (viaProxy) lines.push(`  participant P as ${words.proxy}`);
  lines.push(`  participant AS as ${words.server}`);
  const call = `${diagramLabel(request.method, 10)} ${diagramLabel(request.path)}${method === undefined ? '' : ` ${words.with} ${diagramLabel(method.name)}`}`;
  const certName = cert === undefined ? '' : ` (${diagramLabel(cert.subject, 32)})`;
  if (viaProxy) {
    lines.push(cert === undefined ? `  C->>P: ${words.tlsHandshake}` : `  C->>P: ${words.tlsHandshakeCertificate}${certName}`);
    lines.push(`  C->>P: ${call}`);
    lines.push(cert === undefined ? `  P->>AS: ${call}` : `  P->>AS: ${call} + ${words.certificateIn(forwardedIn(cert) ?? 'Client-Cert')}`);
  } else {
    if (request.listener === 'https') lines.push(cert === undefined ? `  C->>AS: ${words.tlsNoCertificate}` : `  C->>AS: ${words.mutualTls}${certName}`);
    lines.push(`  C->>AS: ${call}`);
  }
  if (trace.checks.length > 0) {
    lines.push(failed === undefined ? `  Note over AS: ${words.passed(passed)}` : `  Note over AS: ${words.passedFailed(passed, diagramLabel(failed.name, 30))}`);
  }
  const answer = result.kind === 'refused'
    ? `${trace.response.status} ${diagramLabel(result.error ?? 'error')}`
    : `${trace.response.status} ${result.kind === 'issued' ? words.tokenIssued : words.ok}`;
  lines.push(`  ${viaProxy ? 'AS-->>P' : 'AS-->>C'}: ${answer}`);
  if (viaProxy) lines.push(`  P-->>C: ${answer}`);
  return lines.join('\n');
}

/**
 * The diagram told in one sentence: the text/plain fallback of the text/vnd.mermaid output, for front
 * ends that do not draw mermaid (nbconvert 6.5, the classic Notebook, a terminal).
 */
export function traceDiagramSentence(trace: Trace, language: LabLanguage = 'en'): string {
  const { request, cert, viaProxy, method, result, failed, passed } = exchangeParts(trace);
  return TRACE_LABELS[language].sentence({
    client: trace.clientId,
    method: method?.name,
    call: `${request.method} ${request.path}`,
    viaProxy,
    transport: cert === undefined ? { kind: request.listener === 'https' ? 'tls' : 'http' } : { kind: 'certificate', subject: cert.subject, header: forwardedIn(cert) },
    checks: trace.checks.length === 0 ? undefined : { passed, failed: failed?.name },
    answer: { status: trace.response.status, error: result.kind === 'refused' ? result.error : undefined, token: result.kind === 'issued' },
  });
}

/** The verdict badge's words: "refused: invalid_client", 「拒否: invalid_client」. */
function verdictLabel(result: TraceResult, status: number, words: TraceLabels): string {
  if (result.kind === 'issued') return words.verdict.issued;
  if (result.kind === 'accepted') return words.verdict.accepted(status);
  return words.verdict.refused(result.error, status);
}

export interface RenderTraceOptions {
  /**
   * compact (default, for notebooks): the verdict, the failed check with its rule and the checks,
   * with inputs and response folded in <details>, and no diagram (a notebook shows it as its own
   * text/vnd.mermaid output). full (the /lab viewer): every section open, with the diagram as
   * <pre class="mermaid"> that the viewer draws.
   */
  form?: 'compact' | 'full';
  /** The language of the fixed words (headings, verdicts, column names); what the server found stays as written. Default en. */
  language?: LabLanguage;
}

function renderTrace(trace: Trace, form: 'compact' | 'full', language: LabLanguage): string {
  const words = TRACE_LABELS[language];
  const none = words.sections.none;
  const full = form === 'full';
  const requestTime = Math.floor(Date.parse(trace.time) / 1000);
  const result = traceResult(trace);
  const method = traceMethod(trace);
  const failed = trace.checks.find((c) => !c.passed);
  const request = trace.request;
  // No <h3> in a notebook: headings in outputs would fill JupyterLab's table of contents.
  const heading = (text: string) => (full ? `<h3>${text}</h3>` : `<div class="lab-trace-h">${text}</div>`);
  const subheading = (text: string) => (full ? `<h4>${text}</h4>` : `<div class="lab-trace-sub">${text}</div>`);
  const folded = (name: string, title: string, body: string) => (full ? `${heading(title)}${body}` : `<details class="lab-trace-${name}"><summary>${title}</summary>${body}</details>`);

  const badge = `<span class="badge ${result.kind === 'refused' ? 'refused' : 'ok'}">${escapeHtml(verdictLabel(result, trace.response.status, words))}</span>`;
  const head = `<div class="lab-trace-head">${badge}<span>${code(`${request.method} ${request.path}`)} ${escapeHtml(words.head.on)} ${escapeHtml(request.listener)} → ${escapeHtml(String(trace.response.status))}</span>`
    + (trace.clientId === undefined ? '' : `<span>${escapeHtml(words.head.client)} ${code(trace.clientId)}</span>`)
    + (method === undefined ? '' : `<span>${escapeHtml(words.head.method)} ${code(method.name)} <span class="muted">(${escapeHtml(words.head[method.status])})</span></span>`)
    + `<span class="muted">${escapeHtml(trace.time)} · ${escapeHtml(String(trace.durationMs))} ms · ${escapeHtml(words.head.trace)} ${escapeHtml(trace.id)}</span></div>`;

  const w = words.why;
  let why: string;
  if (failed !== undefined) {
    why = `<div class="why"><p><strong>${escapeHtml(w.refusedAtCheck)} ${code(failed.name)}:</strong> <span class="lab-trace-failed-detail">${escapeHtml(failed.detail)}</span></p>`
      + `<p>${escapeHtml(w.rule)}: ${failed.spec === undefined ? `<span class="muted">${escapeHtml(w.notGiven)}</span>` : renderSpecLinks(failed.spec)}`
      + `${result.error === undefined ? '' : ` · ${escapeHtml(w.answered)} ${code(result.error)}`}${result.code === undefined ? '' : ` · ${escapeHtml(w.libCode)} ${code(result.code)}`}</p></div>`;
  } else if (result.kind === 'refused') {
    const description = typeof (trace.response.body as Record<string, unknown> | undefined)?.error_description === 'string'
      ? String((trace.response.body as Record<string, unknown>).error_description) : '';
    why = `<div class="why"><p><strong>${result.error === undefined ? escapeHtml(w.refused) : `${escapeHtml(w.refusedWith)} ${code(result.error)}`}</strong>${description === '' ? '' : `: <span class="lab-trace-failed-detail">${escapeHtml(description)}</span>`}</p>`
      + `${trace.outcome.spec === undefined ? '' : `<p>${escapeHtml(w.rule)}: ${renderSpecLinks(trace.outcome.spec)}</p>`}</div>`;
  } else {
    why = `<div class="why ok"><p><strong>${escapeHtml(trace.checks.length === 0 ? w.answeredOnly : w.allPassed(trace.checks.length))}</strong>${method?.status === 'verified' ? ` · ${escapeHtml(w.authenticatedWith)} ${code(method.name)}` : ''}</p></div>`;
  }

  const sec = words.sections;
  const muted = (text: string) => ` <span class="muted">${escapeHtml(text)}</span>`;
  const diagram = full
    ? `<h3>${escapeHtml(sec.exchange)}</h3><pre class="mermaid lab-trace-diagram">${escapeHtml(traceSequenceDiagram(trace, language))}</pre>`
    : '';

  let inputs = `${subheading(escapeHtml(sec.headers))}${table(Object.entries(request.headers).map(([k, v]) => [k, code(v)]), undefined, none)}`;
  if (request.form !== undefined) inputs += `${subheading(`${escapeHtml(sec.form)}${muted(sec.secretsMasked)}`)}${table(parameterRows(request.form), undefined, none)}`;
  if (request.query !== undefined) inputs += `${subheading(escapeHtml(sec.query))}${table(parameterRows(request.query), undefined, none)}`;
  if (request.json !== undefined) inputs += `${subheading(`${escapeHtml(sec.json)}${muted(sec.secretsMasked)}`)}<pre>${escapeHtml(jsonText(request.json))}</pre>`;
  for (const [name, jwt] of Object.entries(request.jwts ?? {})) {
    inputs += subheading(`${escapeHtml(sec.decoded(name))}${muted(sec.timesRelative)}`)
      + `<table class="lt"><thead><tr><th>${escapeHtml(sec.joseHeader)}</th><th>${escapeHtml(sec.claims)}</th></tr></thead><tbody><tr><td>${table(claimRows(jwt.header, requestTime, language), undefined, none)}</td><td>${table(claimRows(jwt.payload, requestTime, language), undefined, none)}</td></tr></tbody></table>`;
  }
  if (request.certificate !== undefined) inputs += `${subheading(escapeHtml(sec.certificate))}${renderCertificate(request.certificate, requestTime, language)}`;

  const col = words.checkColumns;
  const checks = trace.checks.length === 0
    ? `${heading(escapeHtml(sec.checks))}<p class="muted">${escapeHtml(sec.noChecks)}</p>`
    : `${heading(escapeHtml(sec.checksInOrder))}<table class="lt lab-trace-checks"><thead><tr><th>#</th><th></th><th>${escapeHtml(col.check)}</th><th>${escapeHtml(col.found)}</th><th>${escapeHtml(col.rule)}</th></tr></thead><tbody>${
      trace.checks.map((check, i) => `<tr class="${check.passed ? 'pass' : 'fail'}"><td class="n muted"><span>${i + 1}</span></td><td class="mark"><span>${check.passed ? '✓' : '✗'}</span></td>`
        + `<td class="k">${code(check.name)}</td><td>${escapeHtml(check.detail)}</td><td class="spec">${renderSpecLinks(check.spec)}</td></tr>`).join('')}</tbody></table>`;
  const notes = trace.notes.length === 0 ? '' : folded('notes', escapeHtml(sec.notes), `<ul>${trace.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  const response = `<p>${code(`HTTP ${trace.response.status}`)}</p>${table(Object.entries(trace.response.headers).map(([k, v]) => [k, code(v)]), undefined, none)}`
    + (trace.response.body === undefined ? '' : `${subheading(`${escapeHtml(sec.body)}${muted(sec.tokensMasked)}`)}<pre>${escapeHtml(jsonText(trace.response.body))}</pre>`);

  return `<div class="lab-trace lab-trace-${form}" lang="${language}" data-trace-id="${escapeHtml(trace.id)}" data-result="${result.kind}"><style>${TRACE_STYLE}</style>`
    + `${head}${why}${diagram}${checks}${folded('inputs', escapeHtml(sec.inputs), inputs)}${notes}${folded('response', escapeHtml(sec.response), response)}</div>`;
}

/**
 * A trace as HTML. Compact by default (notebooks): verdict, failed check and rule, the checks, inputs
 * and response folded. `{ form: 'full' }` is the viewer's detail, with the diagram's mermaid source.
 */
export function renderTraceHtml(trace: Trace | undefined, options: RenderTraceOptions = {}): string {
  const language = options.language ?? 'en';
  if (trace === undefined) return `<p><em>${escapeHtml(TRACE_LABELS[language].noTrace)}</em></p>`;
  return renderTrace(trace, options.form ?? 'compact', language);
}

/** A MIME bundle as a Jupyter display_data output carries it (nbformat 4 `data` and `metadata`). */
export interface MimeBundle {
  data: Record<string, string>;
  metadata: Record<string, unknown>;
}

/**
 * What a trace shows in a notebook, as two display_data bundles: the compact HTML (with a text
 * fallback), then the exchange diagram as text/vnd.mermaid (JupyterLab >= 4.1 draws it) with a
 * sentence as its text/plain fallback. Two outputs, since a front end shows only the richest type
 * of one bundle.
 */
export function traceOutputs(trace: Trace | undefined, language: LabLanguage = 'en'): MimeBundle[] {
  if (trace === undefined) return [{ data: { 'text/html': renderTraceHtml(undefined, { language }), 'text/plain': formatTrace(undefined) }, metadata: {} }];
  return [
    { data: { 'text/html': renderTraceHtml(trace, { language }), 'text/plain': formatTrace(trace) }, metadata: {} },
    { data: { 'text/vnd.mermaid': traceSequenceDiagram(trace, language), 'text/plain': traceDiagramSentence(trace, language) }, metadata: {} },
  ];
}

/**
 * The same view as Markdown for a notebook's display.markdown: the diagram as a ```mermaid fence
 * (JupyterLab 4.1+ draws it), then the compact HTML, on one line so that no blank line in a value
 * can end the Markdown HTML block (newlines inside <pre> become &#10;).
 */
export function renderTraceMarkdown(trace: Trace | undefined, language: LabLanguage = 'en'): string {
  if (trace === undefined) return `_${TRACE_LABELS[language].noTrace}_`;
  return `\`\`\`mermaid\n${traceSequenceDiagram(trace, language)}\n\`\`\`\n\n${renderTrace(trace, 'compact', language).replace(/\n/g, '&#10;')}\n`;
}

/** A trace as text: the request line, each check with ✓/✗ and its spec section, and the response. */
export function formatTrace(trace: Trace | undefined): string {
  if (trace === undefined) return '(no trace)';
  const lines = [`${trace.request.method} ${trace.request.path} (${trace.request.listener}) → ${trace.response.status}${trace.outcome.error === undefined ? '' : ` ${trace.outcome.error} [${trace.outcome.code}]`}`];
  if (trace.clientId !== undefined) lines.push(`client: ${trace.clientId}${trace.method === undefined ? '' : ` (${trace.method})`}`);
  if (trace.request.certificate !== undefined) lines.push(`certificate: ${trace.request.certificate.subject} via ${trace.request.certificate.source}, x5t#S256 ${trace.request.certificate['x5t#S256']}`);
  for (const note of trace.notes) lines.push(`note: ${note}`);
  for (const check of trace.checks) lines.push(`  ${check.passed ? '✓' : '✗'} ${check.name}: ${check.detail}${check.spec === undefined ? '' : `  [${check.spec}]`}`);
  return lines.join('\n');
}
