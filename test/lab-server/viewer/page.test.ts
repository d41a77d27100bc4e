// The trace viewer in a real browser: Debian's chromium driven by playwright-core. A good and a bad
// private_key_jwt request must appear live, the detail view must explain the failed check and draw
// the exchange as SVG, hostile trace values must stay text, the classroom view must count, and the
// Replay tab must list the replay store's pairs.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabServer, type RunningLabServer, type Trace } from '@client-auth-lab/lab-server';
import { JWT_BEARER, assertionClaims, ecKey, postForm, register, request, signJwt, type HttpAnswer, type RegisteredTestClient, type TestKeyPair } from '../support.js';

const CHROMIUM = '/usr/bin/chromium';
const isCI = !!process.env.CI && !['false', '0'].includes(process.env.CI);
const missing = existsSync(CHROMIUM) ? undefined
  : `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`;
if (missing !== undefined && !isCI) console.warn(`Trace viewer browser tests skipped. ${missing}`);

const root = fileURLToPath(new URL('../../../', import.meta.url));
const artifacts = join(root, 'test-artifacts', 'viewer');
const WAIT = { timeout: 30_000 };
/** A client_name and a claim that would run script if any value reached the page unescaped. */
const HOSTILE_NAME = '<script>window.__labXss=1</script><img src=x onerror="window.__labXss=2">';
const HOSTILE_CLAIM = '<img src=x onerror="window.__labXss=3">';

describe.runIf(missing === undefined || isCI)('trace viewer in Chromium', () => {
  let server: RunningLabServer;
  let context: BrowserContext;
  let page: Page;
  let userDataDir = '';
  let client: RegisteredTestClient;
  let key: TestKeyPair;
  let good: HttpAnswer;
  let bad: HttpAnswer;
  /** Script errors and console errors in the page (a CSP violation shows up here too). */
  const pageErrors: string[] = [];

  const traceId = (answer: HttpAnswer): string => String(answer.headers['x-lab-trace-id']);
  const row = (answer: HttpAnswer) => page.locator(`#request-rows tr[data-trace-id="${traceId(answer)}"]`);
  const tokenRequest = async (claims: Record<string, unknown> = {}): Promise<HttpAnswer> => {
    const assertion = await signJwt(assertionClaims(client.client_id, `${server.httpUrl}/token`, claims), 'ES256', key.privateKey, { kid: 'k1' });
    return postForm(`${server.httpUrl}/token`, {
      grant_type: 'client_credentials', client_id: client.client_id, client_assertion_type: JWT_BEARER, client_assertion: assertion,
    });
  };

  beforeAll(async () => {
    if (missing !== undefined) throw new Error(`CI=true requires Chromium for the trace viewer tests. ${missing}`);
    mkdirSync(artifacts, { recursive: true });
    server = await startLabServer({ port: 0, tlsPort: false, pollIntervalSeconds: 0, log: () => {} });
    key = ecKey('k1');
    client = await register(server, {
      client_name: HOSTILE_NAME, token_endpoint_auth_method: 'private_key_jwt', grant_types: ['client_credentials'], jwks: { keys: [key.publicJwk] },
    });
    userDataDir = mkdtempSync(join(tmpdir(), 'lab-viewer-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = context.pages()[0] ?? await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(`${server.httpUrl}/lab`);
    await page.locator('body[data-stream="live"]').waitFor(WAIT);
  });

  afterAll(async () => {
    await context?.close();
    await server?.stop();
    if (userDataDir !== '') rmSync(userDataDir, { recursive: true, force: true });
  });

  it('lists a good and a bad request live, newest first, with endpoint, client, method and result', async () => {
    good = await tokenRequest();
    expect(good.status).toBe(200);
    bad = await tokenRequest({ aud: 'https://somewhere-else.example/token', note: HOSTILE_CLAIM });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_client');
    await row(bad).waitFor(WAIT);
    await row(good).waitFor(WAIT);
    const ids = await page.locator('#request-rows tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-trace-id')));
    expect(ids.indexOf(traceId(bad))).toBeLessThan(ids.indexOf(traceId(good)));
    const cells = async (answer: HttpAnswer) => (await row(answer).locator('td').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(await cells(good)).toEqual([expect.any(String), 'token', client.client_id, 'private_key_jwt', 'issued', expect.stringMatching(/^\d/)]);
    expect(await cells(bad)).toEqual([expect.any(String), 'token', client.client_id, 'private_key_jwt', 'invalid_client ERR_ASSERTION_AUD', expect.stringMatching(/^\d/)]);
    await page.screenshot({ path: join(artifacts, 'requests.png') });
  });

  it("shows the failed check's explanation, its spec link and the exchange drawn as SVG", async () => {
    const trace = (await request(`${server.httpUrl}/lab/traces/${traceId(bad)}`)).body as Trace;
    const failed = trace.checks.find((c) => !c.passed);
    expect(failed?.name).toBe('aud');
    await row(bad).click();
    const detail = page.locator(`#detail .lab-trace[data-trace-id="${traceId(bad)}"]`);
    await detail.waitFor(WAIT);
    await expect.poll(() => detail.locator('.why .lab-trace-failed-detail').innerText(), WAIT).toBe(failed?.detail);
    expect(await detail.locator('tr.fail a').first().getAttribute('href')).toBe('https://www.rfc-editor.org/rfc/rfc7523.html#section-3');
    const svg = detail.locator('pre.lab-trace-diagram[data-rendered="true"] svg');
    await svg.waitFor(WAIT);
    expect(await svg.textContent()).toContain('400 invalid_client');
    expect(await detail.innerText()).toMatch(/exp\s+\d+ = \d{4}-\d\d-\d\dT[\d:]+Z, in (59|60) s/);
    await page.screenshot({ path: join(artifacts, 'detail.png') });
    // The whole detail, for reading: grow the window to the content's height.
    const height = await page.locator('#detail').evaluate((d) => d.scrollHeight + 120);
    await page.setViewportSize({ width: 1440, height: Math.min(height, 6000) });
    await page.screenshot({ path: join(artifacts, 'detail-full.png') });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('keeps hostile client names and claims as text: nothing from a trace runs in the page', async () => {
    const text = await page.locator('#detail').innerText();
    expect(text).toContain(HOSTILE_NAME);
    expect(text).toContain(HOSTILE_CLAIM);
    expect(await page.locator('#detail img, #detail script').count()).toBe(0);
    expect(await page.evaluate('window.__labXss')).toBeUndefined();
  });

  it('filters by result and client_id, and holds new rows while paused', async () => {
    await page.locator('#filter-result').selectOption('refused');
    await row(good).waitFor({ state: 'detached', ...WAIT });
    expect(await page.locator('#request-rows tr').evaluateAll((rows) => rows.every((r) => r.getAttribute('data-result') === 'refused'))).toBe(true);
    await expect.poll(() => row(bad).count(), WAIT).toBe(1);
    await page.locator('#filter-result').selectOption('');
    await page.locator('#filter-client').fill('no-such-client');
    await row(bad).waitFor({ state: 'detached', ...WAIT });
    await page.locator('#filter-client').fill(client.client_id);
    await row(good).waitFor(WAIT);

    await page.locator('#pause').click();
    await page.locator('body[data-stream="paused"]').waitFor(WAIT);
    const held = await tokenRequest();
    await expect.poll(() => page.locator('#pause').innerText(), WAIT).toBe('Resume (1 new)');
    expect(await row(held).count()).toBe(0);
    await page.locator('#pause').click();
    await row(held).waitFor(WAIT);
    await page.locator('body[data-stream="live"]').waitFor(WAIT);
    await page.locator('#filter-client').fill('');
  });

  it('shows one row per registered client in the classroom view: method, requests, successes, last result', async () => {
    await page.locator('#nav-classroom').click();
    const line = page.locator(`#classroom-rows tr[data-client-id="${client.client_id}"]`);
    await line.waitFor(WAIT);
    await expect.poll(async () => (await line.locator('td').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()), WAIT)
      .toEqual([`${client.client_id} ${HOSTILE_NAME}`, 'private_key_jwt', '3', '2', 'ok']);
    expect(await page.evaluate('window.__labXss')).toBeUndefined();
    await page.screenshot({ path: join(artifacts, 'classroom.png') });
    expect(pageErrors).toEqual([]);
  });

  it("lists the replay store's (iss, jti) pairs in the Replay tab, and a new assertion's jti as it arrives", async () => {
    await page.locator('#nav-replay').click();
    await page.locator('#replay-view').waitFor(WAIT);
    const listed = (await request(`${server.httpUrl}/lab/replay`)).body as { entries: { iss: string; jti: string }[] };
    expect(listed.entries.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('#replay-rows tr').count(), WAIT).toBe(listed.entries.length);
    const jti = 'replay-tab-jti';
    expect((await tokenRequest({ jti })).status).toBe(200);
    const line = page.locator(`#replay-rows tr[data-jti="${jti}"]`);
    await line.waitFor(WAIT);
    const cells = (await line.locator('td').allInnerTexts()).map((t) => t.trim());
    expect(cells.slice(0, 2)).toEqual([client.client_id, jti]);
    expect(cells[3]).toMatch(/^\d+ s$/);
    expect(await page.locator('#replay-empty').isHidden()).toBe(true);
    await page.screenshot({ path: join(artifacts, 'replay.png') });
    expect(pageErrors).toEqual([]);
  });

  it('opens an exported session file again: its traces listed and drawn, the live list back after', async () => {
    const exported = await request(`${server.httpUrl}/lab/export?client_id=${client.client_id}`);
    const file = join(userDataDir, 'session.json');
    writeFileSync(file, exported.text);
    await page.locator('#nav-requests').click();
    await page.locator('#open-file').setInputFiles(file);
    await page.locator('body[data-stream="file"]').waitFor(WAIT);
    await expect.poll(() => page.locator('#request-rows tr').count(), WAIT).toBe((exported.body.traces as unknown[]).length);
    await row(bad).click();
    await page.locator('#detail .lab-trace').waitFor(WAIT);
    expect(await page.locator('#detail').innerText()).toContain('ERR_ASSERTION_AUD');
    await page.locator('#back-live').click();
    await page.locator('body[data-stream="live"]').waitFor(WAIT);
    expect(pageErrors).toEqual([]);
  });
});

if (missing !== undefined && !isCI) {
  describe('trace viewer in Chromium', () => it.skip(`skipped: ${missing}`, () => {}));
}
