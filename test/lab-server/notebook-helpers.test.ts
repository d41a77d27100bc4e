// notebookHelpers: the chapters' show/expectAccepted/expectRefused, against a real lab server, with a
// stand-in for tslab's display that records what a cell would show (outside a kernel, so the
// one-type-per-output path is the one taken).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SignJWT } from 'jose';
import { comparePrediction, displayTrace, foldedBundle, htmlTable, notebookHelpers, renderTraceHtml, replayBundle, startLab, traceSequenceDiagram, type Lab, type LabResponse } from '@client-auth-lab/lab-server';
import { clientSecretBasicToken, recordingTslab } from './support.js';

let lab: Lab;
let client: { client_id: string; client_secret?: string };
const { shown, tslab } = recordingTslab();

const token = (secret: string): Promise<LabResponse> => clientSecretBasicToken(lab, client.client_id, secret);

beforeAll(async () => {
  lab = await startLab({ tlsPort: false, log: () => {} });
  client = await lab.register({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] });
});
afterAll(() => lab.stop());
beforeEach(() => {
  shown.length = 0;
  vi.spyOn(console, 'log').mockImplementation(() => {});
});

describe('notebookHelpers', () => {
  it('accepts a 200 and shows the trace of that answer: the compact HTML, then the diagram', async () => {
    const { expectAccepted } = notebookHelpers(tslab, lab);
    const answer = await token(client.client_secret as string);
    expectAccepted(answer);
    const trace = lab.server.context.traces.get(answer.headers['x-lab-trace-id'] as string);
    expect(shown).toEqual([['text/html', renderTraceHtml(trace)], ['text/vnd.mermaid', traceSequenceDiagram(trace!)]]);
  });

  it('rejects an answer in expectAccepted because it was not a 200', async () => {
    const { expectAccepted } = notebookHelpers(tslab, lab);
    expect(() => expectAccepted(notebookAnswer(401))).toThrow('expected tokens, got HTTP 401');
  });

  it('accepts a refusal in each of the chapters\' three call forms, and records the labelled ones', async () => {
    const helpers = notebookHelpers(tslab, lab);
    const wrong = await token('wrong');
    const code = lab.lastTrace()?.outcome.code as string;
    expect(code).toMatch(/^ERR_/);
    helpers.expectRefused(wrong, code);
    helpers.expectRefused(wrong, code, lab);
    helpers.expectRefused(wrong, 'invalid_client', code);
    helpers.expectRefused('wrong secret', wrong, code);
    expect(helpers.refusals).toEqual([expect.objectContaining({ mistake: 'wrong secret', status: 401, error: 'invalid_client', code })]);
    expect(shown.filter(([type]) => type === 'text/vnd.mermaid')).toHaveLength(4);
  });

  it('rejects in expectRefused because the code, the error or the status differ', async () => {
    const helpers = notebookHelpers(tslab, lab);
    const wrong = await token('wrong');
    const code = lab.lastTrace()?.outcome.code as string;
    expect(() => helpers.expectRefused(wrong, 'ERR_OTHER')).toThrow('expected a refusal with ERR_OTHER');
    expect(() => helpers.expectRefused(wrong, 'invalid_grant', code)).toThrow(`expected a refusal with invalid_grant (${code})`);
    const ok = await token(client.client_secret as string);
    expect(() => helpers.expectRefused('not refused', ok, code)).toThrow(`expected a refusal with ${code}, got HTTP 200`);
  });

  it('prints a labelled answer with the headers asked for', async () => {
    const { show } = notebookHelpers(tslab, lab);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    log.mockClear();
    show('wrong secret', await token('wrong'), ['www-authenticate']);
    expect(log.mock.calls.map((c) => c.join(' '))).toEqual([
      'wrong secret: HTTP 401', '  www-authenticate: Basic realm="client-auth-lab", charset="UTF-8"', expect.stringMatching(/^ {2}body: \{"error":"invalid_client"/),
    ]);
    expect(shown.map(([type]) => type)).toEqual(['text/html', 'text/vnd.mermaid']);
  });

  it('shows only the placeholder when there is no trace', () => {
    displayTrace(tslab, undefined);
    expect(shown).toEqual([['text/html', '<p><em>no trace recorded</em></p>']]);
  });
});

describe('checkPrediction: the learner predicts, then the server answers', () => {
  it('accepts a prediction whose every written member matches, compared case-insensitively', async () => {
    const { checkPrediction } = notebookHelpers(tslab, lab);
    const answer = await token('wrong');
    const trace = lab.lastTrace();
    const failed = trace?.checks.find((c) => !c.passed)?.name as string;
    const result = checkPrediction({ status: 401, error: 'INVALID_CLIENT', code: trace?.outcome.code, check: failed }, answer);
    expect(result.matched).toBe(true);
    expect(result.lines.map((l) => l.member)).toEqual(['status', 'error', 'code', 'check']);
    const last = shown.at(-1) as [string, string];
    expect(last[0]).toBe('text/html');
    expect(last[1]).toContain('data-matched="true"');
  });

  it('rejects a wrong prediction kindly, without throwing, naming what the server did', async () => {
    const { checkPrediction } = notebookHelpers(tslab, lab);
    const answer = await token('wrong');
    const result = checkPrediction({ status: 200 }, answer);
    expect(result).toEqual({ matched: false, lines: [{ member: 'status', predicted: '200', actual: '401', matched: false }] });
    expect((shown.at(-1) as [string, string])[1]).toMatch(/Not quite.*HTTP 401/);
  });

  it('rejects a missing prediction as not matched and asks for one, without throwing', async () => {
    const { checkPrediction } = notebookHelpers(tslab, lab);
    const answer = await token(client.client_secret as string);
    for (const missing of [undefined, null, {}]) {
      expect(checkPrediction(missing, answer)).toEqual({ matched: false, lines: [] });
      expect((shown.at(-1) as [string, string])[1]).toContain('No prediction written yet. This time the server accepted the request (HTTP 200).');
    }
  });

  it('compares an accepted answer as having no error, no code and no failed check', async () => {
    const answer = await token(client.client_secret as string);
    const result = comparePrediction({ status: 200, error: 'invalid_client', check: '(none failed)' }, answer, lab.lastTrace());
    expect(result.lines.map((l) => [l.member, l.actual, l.matched])).toEqual([['status', '200', true], ['error', '(none)', false], ['check', '(none failed)', true]]);
  });
});

function notebookAnswer(status: number): LabResponse {
  return { status, headers: {}, body: { error: 'invalid_client' } } as unknown as LabResponse;
}

describe('showReplay: the replay store in a cell', () => {
  it('shows a pair an accepted assertion recorded, marked by its jti, and returns the list', async () => {
    const { showReplay } = notebookHelpers(tslab, lab);
    const jwtClient = await lab.register({ token_endpoint_auth_method: 'client_secret_jwt', grant_types: ['client_credentials'] });
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ iss: jwtClient.client_id, sub: jwtClient.client_id, aud: lab.urls.token, jti: 'shown-jti', iat: now, exp: now + 60 })
      .setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(jwtClient.client_secret as string));
    const answer = await lab.request(lab.urls.token, { form: { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion } });
    expect(answer.status).toBe(200);
    const listing = await showReplay('shown-jti');
    expect(listing.entries.map((e) => [e.iss, e.jti])).toContainEqual([jwtClient.client_id, 'shown-jti']);
    const [type, html] = shown.at(-1) as [string, string];
    expect(type).toBe('text/html');
    expect(html).toMatch(/<tr class="pass"><td><code>[^<]+<\/code><\/td><td><code><strong>shown-jti<\/strong><\/code>/);
  });

  it('folds a long list to its first rows and says how many more', () => {
    const entries = Array.from({ length: 12 }, (_, i) => ({ iss: 'c', jti: `j${i}`, expires_at: '2026-01-01T00:00:00.000Z', expires_in: i }));
    const bundle = replayBundle({ now: '2026-01-01T00:00:00.000Z', entries });
    expect(bundle.data['text/plain']).toContain('12 (iss, jti) pairs');
    expect(bundle.data['text/plain']).toContain('… and 4 more');
    expect(bundle.data['text/html']?.match(/<tr class=/g)).toHaveLength(8);
  });

  it('shows only the marked pair and counts the others, even when it expires last', () => {
    const entries = Array.from({ length: 12 }, (_, i) => ({ iss: 'c', jti: `j${i}`, expires_at: '2026-01-01T00:00:00.000Z', expires_in: i }));
    const bundle = replayBundle({ now: '2026-01-01T00:00:00.000Z', entries }, 'j11');
    expect(bundle.data['text/html']?.match(/<tr class=/g)).toHaveLength(1);
    expect(bundle.data['text/plain']).toContain('→ c  j11');
    expect(bundle.data['text/plain']).toContain('11 other pairs not shown.');
    expect(replayBundle({ now: '2026-01-01T00:00:00.000Z', entries }, 'gone').data['text/plain']).toContain('No pair with jti gone; 12 other pairs not shown.');
  });
});

describe('foldedBundle: a long dump folded to the lines the text talks about', () => {
  const dump = Array.from({ length: 30 }, (_, i) => `line ${i}${i % 10 === 0 ? ' [kept]' : ''}`).join('\n');

  it('keeps the lines a pattern selects and folds the whole dump behind <details>', () => {
    const bundle = foldedBundle(dump, { summary: 'the whole dump', keep: /\[kept\]/ });
    expect(bundle.data['text/plain']).toBe('line 0 [kept]\nline 10 [kept]\nline 20 [kept]\n… (the whole dump: 30 lines, 27 folded; open it in the HTML output)');
    expect(bundle.data['text/html']).toContain('<details><summary>the whole dump: 30 lines, 27 folded</summary>');
    expect(bundle.data['text/html']).toContain('line 29');
  });

  it('keeps the first lines by default, and folds nothing when everything is kept', () => {
    expect(foldedBundle(dump, { summary: 'x', head: 2 }).data['text/plain']).toMatch(/^line 0 \[kept\]\nline 1\n… \(x: 30 lines, 28 folded/);
    const short = foldedBundle('a\nb', { summary: 'short' });
    expect(short.data['text/plain']).toBe('a\nb');
    expect(short.data['text/html']).not.toContain('<details>');
  });

  it('escapes the dump: a value from a certificate stays text', () => {
    expect(foldedBundle('<script>x</script>', { summary: 's' }).data['text/html']).toContain('&lt;script&gt;');
  });
});

describe('htmlTable: a table of wire names that fits the page', () => {
  it('accepts long wire names and lets them break after an underscore, escaping the rest', () => {
    const html = htmlTable(['member', 'value'], [['token_endpoint_auth_methods_supported', '<none>']]);
    expect(html).toContain('<td style="text-align:left">token_<wbr>endpoint_<wbr>auth_<wbr>methods_<wbr>supported</td>');
    expect(html).toContain('&lt;none&gt;');
  });
});
