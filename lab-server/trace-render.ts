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
import { traceMethod, traceResult } from './trace-summary.js';
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

function table(rows: readonly (readonly [string, string])[], head?: readonly [string, string]): string {
  if (rows.length === 0) return '<p class="muted">none</p>';
  const thead = head === undefined ? '' : `<thead><tr><th>${escapeHtml(head[0])}</th><th>${escapeHtml(head[1])}</th></tr></thead>`;
  return `<table class="lt">${thead}<tbody>${rows.map(([k, v]) => `<tr><td class="k">${code(k)}</td><td>${v}</td></tr>`).join('')}</tbody></table>`;
}

/** Spec references as links (rfc-editor.org, openid.net); unknown documents stay plain text. */
export function renderSpecLinks(spec: string | undefined): string {
  return specLinks(spec).map((link) => (link.url === undefined
    ? escapeHtml(link.text)
    : `<a href="${escapeHtml(link.url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(link.text)}</a>`)).join('; ');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** A duration in words: "42 s", "3 min", "5 h", "2 days". */
export function describeDuration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`;
  return plural(Math.round(s / 86400), 'day');
}

/** How a time claim stood at the moment of the request: "in 42 s", "expired 3 min ago", "12 s ago". */
export function describeTimeClaim(claim: string, value: number, requestTime: number): string {
  const delta = value - requestTime;
  if (claim === 'exp') return delta > 0 ? `in ${describeDuration(delta)}` : delta === 0 ? 'expires now' : `expired ${describeDuration(delta)} ago`;
  if (delta === 0) return 'now';
  return delta > 0 ? `in ${describeDuration(delta)} (in the future)` : `${describeDuration(delta)} ago`;
}

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);

function jsonText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2) ?? String(value);
}

function claimRows(claims: Record<string, unknown>, requestTime: number): [string, string][] {
  return Object.entries(claims).map(([name, value]) => {
    if (TIME_CLAIMS.has(name) && typeof value === 'number' && Number.isFinite(value)) {
      const date = new Date(value * 1000);
      const when = Number.isNaN(date.getTime()) ? 'not a valid date' : date.toISOString().replace('.000Z', 'Z');
      return [name, `${code(String(value))} <span class="muted">= ${escapeHtml(when)}, ${escapeHtml(describeTimeClaim(name, value, requestTime))}</span>`];
    }
    return [name, code(jsonText(value))];
  });
}

function renderCertificate(cert: CertificateSummary, requestTime: number): string {
  const notAfter = Date.parse(cert.notAfter) / 1000;
  const validity = Number.isNaN(notAfter) ? '' : ` <span class="muted">(${escapeHtml(describeTimeClaim('exp', notAfter, requestTime))})</span>`;
  const source = cert.source === 'tls' ? 'the TLS handshake' : `the ${cert.source === 'x-ssl-cert' ? 'X-Ssl-Cert' : 'Client-Cert'} header of a trusted proxy`;
  return table([
    ['subject', code(cert.subject)],
    ['subjectAltName', cert.subjectAltName === undefined ? '<span class="muted">none</span>' : code(cert.subjectAltName)],
    ['x5t#S256', code(cert['x5t#S256'])],
    ['issuer', `${code(cert.issuer)}${cert.selfIssued ? ' <span class="muted">(self-issued)</span>' : ''}`],
    ['validity', `${escapeHtml(cert.notBefore)} → ${escapeHtml(cert.notAfter)}${validity}`],
    ['serial', code(cert.serialNumber)],
    ['received from', `${escapeHtml(source)}, ${cert.chainLength === 0 ? 'with no intermediate certificates' : `with ${escapeHtml(plural(cert.chainLength, 'more certificate'))} in the chain`}`],
  ]);
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

/**
 * The exchange as a mermaid sequence diagram: client → authorization server, with the TLS handshake
 * (RFC 8705 §2) and a TLS-terminating proxy (certificate forwarded in a header) when they occurred.
 */
export function traceSequenceDiagram(trace: Trace): string {
  const request = trace.request;
  const cert = request.certificate;
  const viaProxy = (cert !== undefined && cert.source !== 'tls') || request.headers['x-forwarded-for'] !== undefined;
  const method = traceMethod(trace);
  const result = traceResult(trace);
  const client = trace.clientId === undefined ? 'Client' : `Client ${diagramLabel(trace.clientId, 24)}`;
  const lines = ['sequenceDiagram', `  participant C as ${client}`];
  if (viaProxy) lines.push('  participant P as TLS-terminating proxy');
  lines.push('  participant AS as Authorization server');
  const call = `${diagramLabel(request.method, 10)} ${diagramLabel(request.path)}${method === undefined ? '' : ` with ${diagramLabel(method.name)}`}`;
  const certName = cert === undefined ? '' : ` (${diagramLabel(cert.subject, 32)})`;
  if (viaProxy) {
    lines.push(cert === undefined ? '  C->>P: TLS handshake' : `  C->>P: TLS handshake, client certificate${certName}`);
    lines.push(`  C->>P: ${call}`);
    lines.push(cert === undefined ? `  P->>AS: ${call}` : `  P->>AS: ${call} + certificate in ${cert.source === 'x-ssl-cert' ? 'X-Ssl-Cert' : 'Client-Cert'}`);
  } else {
    if (request.listener === 'https') lines.push(cert === undefined ? '  C->>AS: TLS handshake, no client certificate' : `  C->>AS: mutual TLS handshake, client certificate${certName}`);
    lines.push(`  C->>AS: ${call}`);
  }
  const failed = trace.checks.find((c) => !c.passed);
  const passed = trace.checks.filter((c) => c.passed).length;
  if (trace.checks.length > 0) {
    lines.push(failed === undefined
      ? `  Note over AS: ${plural(passed, 'check')} passed`
      : `  Note over AS: ${passed} passed, ${diagramLabel(failed.name, 30)} failed`);
  }
  const answer = result.kind === 'refused'
    ? `${trace.response.status} ${diagramLabel(result.error ?? 'error')}`
    : `${trace.response.status} ${result.kind === 'issued' ? 'access token issued' : 'OK'}`;
  lines.push(`  ${viaProxy ? 'AS-->>P' : 'AS-->>C'}: ${answer}`);
  if (viaProxy) lines.push(`  P-->>C: ${answer}`);
  return lines.join('\n');
}

/** How each side of the exchange is named in the diagram and in its sentence. */
function exchangeParts(trace: Trace) {
  const request = trace.request;
  const cert = request.certificate;
  const viaProxy = (cert !== undefined && cert.source !== 'tls') || request.headers['x-forwarded-for'] !== undefined;
  return { request, cert, viaProxy, method: traceMethod(trace), result: traceResult(trace), failed: trace.checks.find((c) => !c.passed), passed: trace.checks.filter((c) => c.passed).length };
}

/**
 * The diagram told in one sentence: the text/plain fallback of the text/vnd.mermaid output, for front
 * ends that do not draw mermaid (nbconvert 6.5, the classic Notebook, a terminal).
 */
export function traceDiagramSentence(trace: Trace): string {
  const { request, cert, viaProxy, method, result, failed, passed } = exchangeParts(trace);
  const who = trace.clientId === undefined ? 'A client' : `Client ${trace.clientId}`;
  const how = method === undefined ? '' : ` (${method.name})`;
  const path = viaProxy ? ' through a TLS-terminating proxy' : '';
  const tls = cert === undefined
    ? (request.listener === 'https' ? ' over TLS without a client certificate' : ' over plain HTTP')
    : ` with the client certificate ${cert.subject}${cert.source === 'tls' ? ' from the TLS handshake' : ` forwarded in ${cert.source === 'x-ssl-cert' ? 'X-Ssl-Cert' : 'Client-Cert'}`}`;
  const checks = trace.checks.length === 0 ? ''
    : failed === undefined ? `; ${plural(passed, 'check')} passed` : `; ${plural(passed, 'check')} passed and ${failed.name} failed`;
  const answer = result.kind === 'refused'
    ? `${trace.response.status}${result.error === undefined ? '' : ` ${result.error}`}`
    : `${trace.response.status}${result.kind === 'issued' ? ' with an access token' : ''}`;
  return `${who} sent ${request.method} ${request.path}${how} to the authorization server${path}${tls}${checks}; the server answered ${answer}.`;
}

export interface RenderTraceOptions {
  /**
   * compact (default, for notebooks): the verdict, the failed check with its rule and the checks,
   * with inputs and response folded in <details>, and no diagram (a notebook shows it as its own
   * text/vnd.mermaid output). full (the /lab viewer): every section open, with the diagram as
   * <pre class="mermaid"> that the viewer draws.
   */
  form?: 'compact' | 'full';
}

function renderTrace(trace: Trace, form: 'compact' | 'full'): string {
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

  const badge = result.kind === 'refused'
    ? `<span class="badge refused">${escapeHtml(result.label)}</span>`
    : `<span class="badge ok">${escapeHtml(result.label)}</span>`;
  const head = `<div class="lab-trace-head">${badge}<span>${code(`${request.method} ${request.path}`)} on ${escapeHtml(request.listener)} → ${escapeHtml(String(trace.response.status))}</span>`
    + (trace.clientId === undefined ? '' : `<span>client ${code(trace.clientId)}</span>`)
    + (method === undefined ? '' : `<span>method ${code(method.name)} <span class="muted">(${escapeHtml(method.status)})</span></span>`)
    + `<span class="muted">${escapeHtml(trace.time)} · ${escapeHtml(String(trace.durationMs))} ms · trace ${escapeHtml(trace.id)}</span></div>`;

  let why: string;
  if (failed !== undefined) {
    why = `<div class="why"><p><strong>Refused at the check ${code(failed.name)}:</strong> <span class="lab-trace-failed-detail">${escapeHtml(failed.detail)}</span></p>`
      + `<p>Rule: ${failed.spec === undefined ? '<span class="muted">not given</span>' : renderSpecLinks(failed.spec)}`
      + `${result.error === undefined ? '' : ` · answered ${code(result.error)}`}${result.code === undefined ? '' : ` · lib code ${code(result.code)}`}</p></div>`;
  } else if (result.kind === 'refused') {
    const description = typeof (trace.response.body as Record<string, unknown> | undefined)?.error_description === 'string'
      ? String((trace.response.body as Record<string, unknown>).error_description) : '';
    why = `<div class="why"><p><strong>Refused${result.error === undefined ? '' : ` with ${code(result.error)}`}</strong>${description === '' ? '' : `: <span class="lab-trace-failed-detail">${escapeHtml(description)}</span>`}</p>`
      + `${trace.outcome.spec === undefined ? '' : `<p>Rule: ${renderSpecLinks(trace.outcome.spec)}</p>`}</div>`;
  } else {
    why = `<div class="why ok"><p><strong>${trace.checks.length === 0 ? 'Answered' : `All ${plural(trace.checks.length, 'check')} passed`}</strong>${method?.status === 'verified' ? ` · the client authenticated with ${code(method.name)}` : ''}</p></div>`;
  }

  const diagram = full
    ? `<h3>The exchange</h3><pre class="mermaid lab-trace-diagram">${escapeHtml(traceSequenceDiagram(trace))}</pre>`
    : '';

  let inputs = `${subheading('Headers that matter')}${table(Object.entries(request.headers).map(([k, v]) => [k, code(v)]))}`;
  if (request.form !== undefined) inputs += `${subheading('Form parameters <span class="muted">(secrets masked)</span>')}${table(parameterRows(request.form))}`;
  if (request.query !== undefined) inputs += `${subheading('Query parameters')}${table(parameterRows(request.query))}`;
  if (request.json !== undefined) inputs += `${subheading('JSON body <span class="muted">(secrets masked)</span>')}<pre>${escapeHtml(jsonText(request.json))}</pre>`;
  for (const [name, jwt] of Object.entries(request.jwts ?? {})) {
    inputs += subheading(`${escapeHtml(name)}: decoded, not verified <span class="muted">(times relative to the request)</span>`)
      + `<table class="lt"><thead><tr><th>JOSE header</th><th>claims</th></tr></thead><tbody><tr><td>${table(claimRows(jwt.header, requestTime))}</td><td>${table(claimRows(jwt.payload, requestTime))}</td></tr></tbody></table>`;
  }
  if (request.certificate !== undefined) inputs += `${subheading('Client certificate')}${renderCertificate(request.certificate, requestTime)}`;

  const checks = trace.checks.length === 0
    ? `${heading('Checks')}<p class="muted">this endpoint made no client-authentication checks</p>`
    : `${heading('Checks, in the order the server made them')}<table class="lt lab-trace-checks"><thead><tr><th>#</th><th></th><th>check</th><th>what the server found</th><th>rule</th></tr></thead><tbody>${
      trace.checks.map((check, i) => `<tr class="${check.passed ? 'pass' : 'fail'}"><td class="n muted"><span>${i + 1}</span></td><td class="mark"><span>${check.passed ? '✓' : '✗'}</span></td>`
        + `<td class="k">${code(check.name)}</td><td>${escapeHtml(check.detail)}</td><td class="spec">${renderSpecLinks(check.spec)}</td></tr>`).join('')}</tbody></table>`;
  const notes = trace.notes.length === 0 ? '' : folded('notes', 'Notes', `<ul>${trace.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  const response = `<p>${code(`HTTP ${trace.response.status}`)}</p>${table(Object.entries(trace.response.headers).map(([k, v]) => [k, code(v)]))}`
    + (trace.response.body === undefined ? '' : `${subheading('Body <span class="muted">(tokens masked)</span>')}<pre>${escapeHtml(jsonText(trace.response.body))}</pre>`);

  return `<div class="lab-trace lab-trace-${form}" data-trace-id="${escapeHtml(trace.id)}" data-result="${result.kind}"><style>${TRACE_STYLE}</style>`
    + `${head}${why}${diagram}${checks}${folded('inputs', 'What came in', inputs)}${notes}${folded('response', 'What went out', response)}</div>`;
}

/**
 * A trace as HTML. Compact by default (notebooks): verdict, failed check and rule, the checks, inputs
 * and response folded. `{ form: 'full' }` is the viewer's detail, with the diagram's mermaid source.
 */
export function renderTraceHtml(trace: Trace | undefined, options: RenderTraceOptions = {}): string {
  if (trace === undefined) return '<p><em>no trace recorded</em></p>';
  return renderTrace(trace, options.form ?? 'compact');
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
export function traceOutputs(trace: Trace | undefined): MimeBundle[] {
  if (trace === undefined) return [{ data: { 'text/html': renderTraceHtml(undefined), 'text/plain': formatTrace(undefined) }, metadata: {} }];
  return [
    { data: { 'text/html': renderTraceHtml(trace), 'text/plain': formatTrace(trace) }, metadata: {} },
    { data: { 'text/vnd.mermaid': traceSequenceDiagram(trace), 'text/plain': traceDiagramSentence(trace) }, metadata: {} },
  ];
}

/**
 * The same view as Markdown for a notebook's display.markdown: the diagram as a ```mermaid fence
 * (JupyterLab 4.1+ draws it), then the compact HTML, on one line so that no blank line in a value
 * can end the Markdown HTML block (newlines inside <pre> become &#10;).
 */
export function renderTraceMarkdown(trace: Trace | undefined): string {
  if (trace === undefined) return '_no trace recorded_';
  return `\`\`\`mermaid\n${traceSequenceDiagram(trace)}\n\`\`\`\n\n${renderTrace(trace, 'compact').replace(/\n/g, '&#10;')}\n`;
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
