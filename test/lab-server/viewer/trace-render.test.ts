// renderTraceHtml: the detail view shared by notebooks and the trace viewer, rendered from real
// traces of the lab-server, and kept inert when every trace value is hostile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTraceHtml, startLab, type Lab, type Trace } from '@client-auth-lab/lab-server';
import {
  describeTimeClaim, diagramLabel, escapeHtml, formatTrace, renderTraceMarkdown, traceDiagramSentence, traceOutputs, traceSequenceDiagram,
} from '../../../lab-server/trace-render.js';
import { classroomRows, traceMethod, traceResult } from '../../../lab-server/trace-summary.js';
import { JWT_BEARER, assertionClaims, ecKey, postForm, request, signJwt, type HttpAnswer } from '../support.js';

const HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>';

let lab: Lab;
let clientId: string;
let refused: Trace;
let issued: Trace;

const traceOf = async (answer: HttpAnswer): Promise<Trace> =>
  (await request(`${lab.httpUrl}/lab/traces/${String(answer.headers['x-lab-trace-id'])}`)).body as Trace;

beforeAll(async () => {
  lab = await startLab({ tlsPort: false, log: () => {} });
  const key = ecKey('k1');
  const client = await lab.register({
    client_name: HOSTILE, token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], jwks: { keys: [key.publicJwk] },
  });
  clientId = client.client_id;
  const send = async (claims: Record<string, unknown>) => postForm(lab.urls.token, {
    grant_type: 'client_credentials', client_id: clientId, client_assertion_type: JWT_BEARER,
    client_assertion: await signJwt(assertionClaims(clientId, lab.urls.token, claims), 'ES256', key.privateKey, { kid: 'k1' }),
  });
  const now = Math.floor(Date.now() / 1000);
  issued = await traceOf(await send({}));
  refused = await traceOf(await send({ iat: now - 600, exp: now - 180, note: HOSTILE }));
});
afterAll(() => lab.stop());

/** Tags that markup inside trace values would have produced had it not been escaped. */
function injectedTags(html: string): string[] {
  return [...html.matchAll(/<(script|img|iframe|svg|object)\b/gi)].map((m) => m[0]);
}

describe('renderTraceHtml', () => {
  it('explains a refused private_key_jwt request: the failed check, its rule and the answer', () => {
    expect(refused.outcome).toMatchObject({ error: 'invalid_client', code: 'ERR_ASSERTION_EXPIRED' });
    const failed = refused.checks.find((c) => !c.passed);
    expect(failed?.name).toBe('exp');
    const html = renderTraceHtml(refused);
    expect(html).toContain(`<span class="lab-trace-failed-detail">${escapeHtml(failed?.detail ?? '')}</span>`);
    expect(html).toContain('Refused at the check <code>exp</code>');
    expect(html).toContain('href="https://www.rfc-editor.org/rfc/rfc7523.html#section-3"');
    expect(html).toContain('lib code <code>ERR_ASSERTION_EXPIRED</code>');
    expect(html).toContain('<tr class="fail">');
    expect(html.match(/<tr class="(pass|fail)">/g)).toHaveLength(refused.checks.length);
    expect(html).toContain('method <code>private_key_jwt</code> <span class="muted">(presented)</span>');
    expect(html).toContain('<code>HTTP 400</code>');
  });

  it('shows JWT times as dates and relative to the request ("expired 3 min ago")', () => {
    const html = renderTraceHtml(refused);
    const exp = refused.request.jwts?.client_assertion?.payload.exp as number;
    expect(html).toContain(`<code>${exp}</code> <span class="muted">= ${new Date(exp * 1000).toISOString().replace('.000Z', 'Z')}, expired 3 min ago</span>`);
    expect(html).toMatch(/<code>\d+<\/code> <span class="muted">= [^,]+, 10 min ago<\/span>/);
    expect(describeTimeClaim('exp', 1042, 1000)).toBe('in 42 s');
    expect(describeTimeClaim('exp', 1000 - 7200, 1000)).toBe('expired 2 h ago');
    expect(describeTimeClaim('nbf', 1000 + 3 * 86400, 1000)).toBe('in 3 days (in the future)');
  });

  it('masks the assertion signature in the inputs and says all checks passed when the token was issued', () => {
    expect(renderTraceHtml(refused)).toContain('.&lt;signature masked&gt;');
    const html = renderTraceHtml(issued);
    expect(html).toContain(`All ${issued.checks.length} checks passed`);
    expect(html).toContain('the client authenticated with <code>private_key_jwt</code>');
    expect(html).toContain('data-result="issued"');
    expect(html).not.toContain('lab-trace-failed-detail');
  });

  it('escapes hostile client names and claims taken from a real request', () => {
    const html = renderTraceHtml(refused);
    expect(injectedTags(html)).toEqual([]);
    expect(html).toContain(escapeHtml(HOSTILE));
  });

  it('escapes every field of a trace made entirely of hostile values', () => {
    const evil = (name: string) => `${HOSTILE}"'&${name}`;
    const trace: Trace = {
      id: evil('id'), time: evil('time'), endpoint: evil('endpoint'), clientId: evil('client'), method: evil('method'),
      outcome: { ok: false, error: evil('error'), code: evil('code'), spec: evil('spec') },
      request: {
        method: evil('verb'), path: evil('path'), listener: 'https', remoteAddress: evil('addr'),
        headers: { [evil('header')]: evil('value'), 'x-forwarded-for': evil('xff') },
        form: { [evil('param')]: [evil('a'), evil('b')] }, query: { q: evil('q') }, json: { [evil('k')]: evil('v') },
        jwts: { client_assertion: { header: { alg: evil('alg'), [evil('h')]: 1 }, payload: { exp: 1, iat: evil('iat'), [evil('c')]: { nested: evil('n') } } } },
        certificate: {
          subject: evil('subject'), issuer: evil('issuer'), serialNumber: evil('serial'), notBefore: evil('nb'), notAfter: evil('na'),
          subjectAltName: evil('san'), selfIssued: true, 'x5t#S256': evil('x5t'), source: 'x-ssl-cert', chainLength: 1,
        },
      },
      checks: [{ name: evil('check'), passed: false, detail: evil('detail'), spec: `RFC 7523 §3; ${evil('spec')}` }],
      notes: [evil('note')],
      response: { status: 401, headers: { [evil('rh')]: evil('rv') }, body: { error: evil('body') } },
      durationMs: 1,
    };
    const html = renderTraceHtml(trace);
    expect(injectedTags(html)).toEqual([]);
    // No attribute is broken out of: every quote inside a value is an entity.
    expect(html).not.toMatch(/"'&/);
    expect(html).toContain('&quot;&#39;&amp;subject');
    const markdown = renderTraceMarkdown(trace);
    expect(injectedTags(markdown)).toEqual([]);
    expect(markdown.split('\n\n')).toHaveLength(2);
  });

  it('keeps the existing contract for notebooks: undefined renders a placeholder', () => {
    expect(renderTraceHtml(undefined)).toBe('<p><em>no trace recorded</em></p>');
    expect(renderTraceMarkdown(undefined)).toBe('_no trace recorded_');
  });
});

describe('the compact form (notebooks) and the full form (the /lab viewer)', () => {
  it('shows the verdict, the failed check with its rule and the checks, with inputs and response folded', () => {
    const html = renderTraceHtml(refused);
    expect(html).toMatch(/^<div class="lab-trace lab-trace-compact" /);
    const order = ['class="why"', 'Refused at the check <code>exp</code>', 'rfc7523.html#section-3', 'class="lt lab-trace-checks"',
      '<details class="lab-trace-inputs"><summary>What came in</summary>', '<details class="lab-trace-response"><summary>What went out</summary>'];
    const at = order.map((part) => html.indexOf(part));
    expect(at.every((i) => i >= 0), String(at)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(html).not.toMatch(/<details[^>]* open/);
    expect(html).not.toMatch(/<h[1-6]\b/);
  });

  it('carries no mermaid source: no <pre class="mermaid">, no sequenceDiagram text', () => {
    for (const trace of [refused, issued]) {
      const html = renderTraceHtml(trace);
      expect(html).not.toContain('mermaid');
      expect(html).not.toContain('sequenceDiagram');
      expect(html).not.toContain('->>');
    }
  });

  it('keeps every section open with the drawable diagram in the full form', () => {
    const html = renderTraceHtml(refused, { form: 'full' });
    expect(html).toMatch(/^<div class="lab-trace lab-trace-full" /);
    expect(html).toContain(`<pre class="mermaid lab-trace-diagram">${escapeHtml(traceSequenceDiagram(refused))}</pre>`);
    expect(html).toContain('<h3>What came in</h3>');
    expect(html).not.toContain('<details');
  });

  it('scopes its table rules above JupyterLab\'s (table-layout auto, names nowrap, values wrap with a minimum width)', () => {
    const style = /<style>(.*?)<\/style>/.exec(renderTraceHtml(issued))?.[1] ?? '';
    expect(style).toContain('.lab-trace table.lt{border-collapse:collapse;table-layout:auto;');
    expect(style).toMatch(/\.lab-trace table\.lt td\{white-space:normal;overflow-wrap:anywhere;min-width:8em\}/);
    expect(style).toMatch(/\.lab-trace table\.lt td\.k,[^{]*\{white-space:nowrap;overflow-wrap:normal;min-width:0\}/);
    expect(renderTraceHtml(issued).match(/<table(?! class="lt)/g)).toBeNull();
  });
});

describe('traceOutputs: what a notebook cell displays for a trace', () => {
  it('gives the HTML with a text fallback, then the diagram as text/vnd.mermaid with a sentence as fallback', () => {
    const [html, diagram, ...rest] = traceOutputs(refused);
    expect(rest).toEqual([]);
    expect(html).toEqual({ data: { 'text/html': renderTraceHtml(refused), 'text/plain': formatTrace(refused) }, metadata: {} });
    expect(diagram).toEqual({ data: { 'text/vnd.mermaid': traceSequenceDiagram(refused), 'text/plain': traceDiagramSentence(refused) }, metadata: {} });
  });

  it('describes the exchange in a sentence, never in diagram source', () => {
    const sentence = traceDiagramSentence(refused);
    expect(sentence).toBe(`Client ${clientId} sent POST /token (private_key_jwt) to the authorization server over plain HTTP; `
      + `${refused.checks.length - 1} checks passed and exp failed; the server answered 400 invalid_client.`);
    expect(traceDiagramSentence(issued)).toMatch(/checks passed; the server answered 200 with an access token\.$/);
    for (const text of [sentence, traceDiagramSentence(issued)]) {
      expect(text).not.toMatch(/sequenceDiagram|participant|->>|-->>|Note over/);
    }
  });

  it('names the proxy and the forwarded certificate in the sentence', () => {
    const viaProxy: Trace = {
      ...issued,
      request: { ...issued.request, certificate: { subject: 'CN=mtls', issuer: 'CN=lab', serialNumber: '01', notBefore: '', notAfter: '', selfIssued: false, 'x5t#S256': 'A4Dt', source: 'x-ssl-cert', chainLength: 0 } },
    };
    expect(traceDiagramSentence(viaProxy)).toContain('to the authorization server through a TLS-terminating proxy with the client certificate CN=mtls forwarded in X-Ssl-Cert;');
  });

  it('shows the placeholder alone when no trace was recorded', () => {
    expect(traceOutputs(undefined)).toEqual([{ data: { 'text/html': '<p><em>no trace recorded</em></p>', 'text/plain': '(no trace)' }, metadata: {} }]);
  });
});

describe('the sequence diagram', () => {
  it('draws client → AS with the method, the failed check and the error', () => {
    expect(traceSequenceDiagram(refused).split('\n')).toEqual([
      'sequenceDiagram',
      `  participant C as Client ${diagramLabel(clientId, 24)}`,
      '  participant AS as Authorization server',
      '  C->>AS: POST /token with private_key_jwt',
      `  Note over AS: ${refused.checks.length - 1} passed, exp failed`,
      '  AS-->>C: 400 invalid_client',
    ]);
    expect(traceSequenceDiagram(issued)).toContain('AS-->>C: 200 access token issued');
  });

  it('adds the TLS hop and a proxy when the certificate came through one', () => {
    const viaProxy: Trace = {
      ...issued,
      request: { ...issued.request, listener: 'http', certificate: { subject: 'CN=mtls', issuer: 'CN=lab', serialNumber: '01', notBefore: '', notAfter: '', selfIssued: false, 'x5t#S256': 'A4Dt', source: 'x-ssl-cert', chainLength: 1 } },
    };
    const lines = traceSequenceDiagram(viaProxy).split('\n');
    expect(lines).toContain('  participant P as TLS-terminating proxy');
    expect(lines).toContain('  C->>P: TLS handshake, client certificate (CN=mtls)');
    expect(lines).toContain('  P->>AS: POST /token with private_key_jwt + certificate in X-Ssl-Cert');
    const direct = traceSequenceDiagram({ ...viaProxy, request: { ...viaProxy.request, listener: 'https', certificate: { ...viaProxy.request.certificate!, source: 'tls' } } });
    expect(direct).toContain('  C->>AS: mutual TLS handshake, client certificate (CN=mtls)');
    expect(direct).not.toContain('participant P');
  });

  it('rejects diagram syntax hidden in values: no new lines, arrows, comments or entities', () => {
    expect(diagramLabel('a\nparticipant X; B->>C: #35; %%x <b>')).toBe('a?participant X? B-??C? ?35? ??x ?b?');
    const lines = traceSequenceDiagram({ ...refused, clientId: 'x\n  participant Evil\n  C->>Evil: hi' }).split('\n');
    expect(lines.filter((l) => l.includes('participant'))).toHaveLength(2);
  });
});

describe('trace summaries (list rows and the classroom view)', () => {
  it('reads the result and the method of each trace', () => {
    expect(traceResult(issued)).toEqual({ kind: 'issued', label: 'issued' });
    expect(traceResult(refused)).toEqual({ kind: 'refused', error: 'invalid_client', code: 'ERR_ASSERTION_EXPIRED', label: 'refused: invalid_client' });
    expect(traceMethod(issued)).toEqual({ name: 'private_key_jwt', status: 'verified' });
    expect(traceMethod(refused)).toEqual({ name: 'private_key_jwt', status: 'presented' });
  });

  it('counts attempts, successes and the most common refusal per client, registration left out', async () => {
    const all = (await request(`${lab.httpUrl}/lab/traces?client_id=${clientId}`)).body.traces as Trace[];
    expect(all.some((t) => t.endpoint === 'register')).toBe(true);
    expect(classroomRows(all)).toEqual([{
      clientId, attempts: 2, successes: 1, refusals: 1, lastTime: refused.time,
      commonRefusal: { error: 'invalid_client', code: 'ERR_ASSERTION_EXPIRED', count: 1 },
    }]);
  });
});
