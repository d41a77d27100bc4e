// The two editions' outputs: the trace's fixed words (headings, verdicts, column names, the diagram's
// words) in the chapter's language, picked from AUTHLAB_LANG or the kernel's folder (notebooks/ja),
// with what the server found left as the server wrote it.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { notebookHelpers, notebookLanguage, renderTraceHtml, traceDiagramSentence, traceOutputs, traceSequenceDiagram, startLab, LAB_LANGUAGE_ENV, type Lab, type LabResponse } from '@client-auth-lab/lab-server';
import { clientSecretBasicToken, recordingTslab } from './support.js';

let lab: Lab;
let client: { client_id: string; client_secret?: string };
const { shown, tslab } = recordingTslab();
const token = (secret: string): Promise<LabResponse> => clientSecretBasicToken(lab, client.client_id, secret);
const traceOf = (answer: LabResponse) => lab.server.context.traces.get(answer.headers['x-lab-trace-id'] as string)!;
/** What a reader sees of the HTML: its text, without the style sheet, tags or entities. */
const text = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, '')
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

beforeAll(async () => {
  lab = await startLab({ tlsPort: false, log: () => {} });
  client = await lab.register({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] });
});
afterAll(() => lab.stop());
beforeEach(() => {
  shown.length = 0;
  vi.spyOn(console, 'log').mockImplementation(() => {});
});

describe('notebookLanguage', () => {
  it('accepts AUTHLAB_LANG as the choice', () => {
    expect(notebookLanguage({ [LAB_LANGUAGE_ENV]: 'ja' }, '/course/notebooks')).toBe('ja');
    expect(notebookLanguage({ [LAB_LANGUAGE_ENV]: 'en' }, '/course/notebooks/ja')).toBe('en');
  });

  it('reads the edition from the kernel\'s folder when AUTHLAB_LANG is not set', () => {
    expect(notebookLanguage({}, '/course/notebooks/ja')).toBe('ja');
    expect(notebookLanguage({}, '/course/notebooks')).toBe('en');
  });

  it('rejects an AUTHLAB_LANG it has no words for because it would leave the frame empty, and falls back to the folder', () => {
    expect(notebookLanguage({ [LAB_LANGUAGE_ENV]: 'fr' }, '/course/notebooks')).toBe('en');
  });
});

describe('a trace in Japanese', () => {
  it('renders the verdict, headings and column names in Japanese and keeps the check details and wire names as sent', async () => {
    const trace = traceOf(await token('wrong'));
    const ja = text(renderTraceHtml(trace, { language: 'ja' }));
    const en = text(renderTraceHtml(trace));
    expect(ja).toContain('拒否: invalid_client');
    expect(ja).toContain('拒否したチェック');
    expect(ja).toContain('サーバーが行ったチェック (実行順)');
    expect(ja).toContain('サーバーが確認した内容');
    expect(ja).not.toContain('Refused at the check');
    expect(en).toContain('Refused at the check');
    const failed = trace.checks.find((c) => !c.passed)!;
    expect(ja).toContain(failed.detail);
    expect(ja).toContain('client_secret_basic');
  });

  it('draws the diagram with Japanese participants and the same messages on the wire', async () => {
    const trace = traceOf(await token(client.client_secret as string));
    const diagram = traceSequenceDiagram(trace, 'ja');
    expect(diagram).toMatch(/^sequenceDiagram\n  participant C as クライアント /);
    expect(diagram).toContain('participant AS as 認可サーバー');
    expect(diagram).toContain('C->>AS: POST /token 方式 client_secret_basic');
    expect(diagram).toContain('アクセストークン発行');
    expect(traceDiagramSentence(trace, 'ja')).toMatch(/^クライアント .+\(client_secret_basic\)が平文の HTTP で認可サーバーに POST \/token を送りました。.+サーバーは 200 \(アクセストークンあり\) を返しました。$/);
  });

  it('answers a learner of the Japanese edition in Japanese: trace, diagram and prediction', async () => {
    const { checkPrediction } = notebookHelpers(tslab, lab, 'ja');
    const answer = await token('wrong');
    checkPrediction({ status: 401, error: 'invalid_client' }, answer);
    expect(shown.map(([type]) => type)).toEqual(['text/html', 'text/vnd.mermaid', 'text/html']);
    expect(shown[0]![1]).toBe(traceOutputs(traceOf(answer), 'ja')[0]!.data['text/html']);
    expect(text(shown[2]![1])).toContain('予想どおりです');
    expect(text(shown[2]![1])).toContain('あなたの予想');
  });
});

describe('the trace viewer\'s trace', () => {
  it('accepts a Japanese browser: the full trace drawn with the Japanese fixed words, and ?lang=en over it', async () => {
    const answer = await token('wrong');
    const url = `${lab.httpUrl}/lab/traces/${answer.headers['x-lab-trace-id'] as string}/html`;
    const ja = await fetch(url, { headers: { 'accept-language': 'ja-JP,ja;q=0.9' } });
    expect(ja.headers.get('vary')).toContain('Accept-Language');
    expect(text(await ja.text())).toContain('サーバーが行ったチェック (実行順)');
    expect(text(await (await fetch(`${url}?lang=en`, { headers: { 'accept-language': 'ja' } })).text())).toContain('Checks, in the order the server made them');
    expect(text(await (await fetch(url)).text())).toContain('Checks, in the order the server made them');
  });
});
