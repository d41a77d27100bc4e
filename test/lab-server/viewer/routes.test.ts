// The viewer's routes: the page and its assets, mermaid from its npm package, a trace as HTML.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '@client-auth-lab/lab-server';
import { request } from '../support.js';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ tlsPort: false, log: () => {} });
});
afterAll(() => lab.stop());

describe('/lab: the trace viewer', () => {
  it('serves the page with a policy that runs only its own scripts', async () => {
    const page = await request(`${lab.httpUrl}/lab`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain('<script src="/lab/mermaid.min.js"');
    expect(page.text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('serves viewer.js, viewer.css, the shared summary module and mermaid from node_modules', async () => {
    for (const [path, type] of [['viewer.js', 'text/javascript'], ['viewer.css', 'text/css'], ['trace-summary.js', 'text/javascript'], ['mermaid.min.js', 'text/javascript']] as const) {
      const answer = await request(`${lab.httpUrl}/lab/${path}`);
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-type'], path).toMatch(new RegExp(`^${type}`));
    }
    expect((await request(`${lab.httpUrl}/lab/trace-summary.js`)).text).toContain('export function traceResult');
    expect((await request(`${lab.httpUrl}/lab/mermaid.min.js`)).text.length).toBeGreaterThan(1_000_000);
  });

  it('renders a trace as HTML by id, and rejects an unknown id with 404 not_found', async () => {
    await request(`${lab.httpUrl}/.well-known/oauth-authorization-server`);
    const id = lab.lastTrace()?.id as string;
    const html = await request(`${lab.httpUrl}/lab/traces/${id}/html`);
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.text).toContain(`data-trace-id="${id}"`);
    expect(html.text).toContain('<div class="lab-trace lab-trace-full"');
    expect(html.text).toContain('<pre class="mermaid lab-trace-diagram">sequenceDiagram');
    const missing = await request(`${lab.httpUrl}/lab/traces/nope/html`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('not_found');
  });
});
