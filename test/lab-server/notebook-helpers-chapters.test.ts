// The chapter 06–12 helpers: a real nginx in front of the lab (startLabNginx) and prediction tables,
// against a real lab server, with a stand-in for tslab's display that records what a cell shows.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  checkPredictionTable, findNginx, labRequest, NGINX_EXAMPLE_CONFIGURATION, nginxTemplateForwarding, startLab, startLabNginx, versionAtLeast, type Lab,
} from '@client-auth-lab/lab-server';
import { encodeClientSecretBasic } from '@client-auth-lab/lib';
import { clientSecretBasicToken, recordingTslab } from './support.js';

const isCI = !!process.env.CI && !['false', '0'].includes(process.env.CI);
const { shown, tslab } = recordingTslab();
let lab: Lab;
let client: { client_id: string; client_secret?: string };

beforeAll(async () => {
  lab = await startLab({ trustProxy: ['127.0.0.1'], publicHost: '127.0.0.1', log: () => {} });
  client = await lab.register({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] });
});
afterAll(() => lab.stop());
beforeEach(() => {
  shown.length = 0;
  vi.spyOn(console, 'log').mockImplementation(() => {});
});

describe('versionAtLeast', () => {
  it('accepts nginx 1.22.1 and 1.13.5 as having $ssl_client_escaped_cert', () => {
    expect(versionAtLeast('1.22.1', '1.13.5')).toBe(true);
    expect(versionAtLeast('1.13.5', '1.13.5')).toBe(true);
  });
  it('rejects 1.13.4 and 1.9.15 because they predate 1.13.5', () => {
    expect(versionAtLeast('1.13.4', '1.13.5')).toBe(false);
    expect(versionAtLeast('1.9.15', '1.13.5')).toBe(false);
  });
});

describe('nginxTemplateForwarding', () => {
  const template = readFileSync(NGINX_EXAMPLE_CONFIGURATION, 'utf8');
  it('swaps only the active forwarding line for the deprecated $ssl_client_cert', () => {
    const folded = nginxTemplateForwarding(template, 'ssl_client_cert');
    expect(folded).toMatch(/^ +proxy_set_header X-Ssl-Cert \$ssl_client_cert;$/m);
    expect(folded).not.toMatch(/^ +proxy_set_header X-Ssl-Cert \$ssl_client_escaped_cert;$/m);
  });
  it('rejects a template without the forwarding line, because there is nothing to swap', () => {
    expect(() => nginxTemplateForwarding('http {}', 'ssl_client_cert')).toThrow(/X-Ssl-Cert/);
  });
});

describe('checkPredictionTable', () => {
  it('shows one table for many cases and never throws on a missing or wrong prediction', async () => {
    const wrong = await clientSecretBasicToken(lab, client.client_id, 'wrong');
    const right = await clientSecretBasicToken(lab, client.client_id, client.client_secret!);
    const results = checkPredictionTable(tslab, lab, [
      { name: 'wrong secret', prediction: { status: 401, error: 'invalid_client' }, answer: wrong },
      { name: 'right secret, guessed wrong', prediction: { status: 400 }, answer: right },
      { name: 'blank', prediction: undefined, answer: right },
    ]);
    expect(results.map((r) => r.matched)).toEqual([true, false, false]);
    expect(shown).toHaveLength(1);
    expect(shown[0]![1]).toContain('1 of 3 predicted right (1 left blank)');
  });
});

describe.runIf(findNginx() !== undefined || isCI)('startLabNginx', () => {
  it('accepts a Basic request through a real nginx and stops it afterwards', async () => {
    const proxy = await startLabNginx(lab);
    expect(proxy).toBeDefined();
    const answer = await labRequest(`${proxy!.url}/token`, {
      method: 'POST', form: { grant_type: 'client_credentials' }, headers: { authorization: encodeClientSecretBasic(client.client_id, client.client_secret!) }, ca: lab.caCertificatePem,
    });
    expect(answer.status).toBe(200);
    await proxy!.stop();
    await expect(labRequest(`${proxy!.url}/token`, { method: 'POST', form: {}, ca: lab.caCertificatePem })).rejects.toThrow();
  }, 30_000);
});
