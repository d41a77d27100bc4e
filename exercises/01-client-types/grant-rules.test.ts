import { describe, expect, it } from 'vitest';
import { decideGrant } from './grant-rules.js';
import { ruleMessage } from '../support/expectations.js';

const CONFIDENTIAL = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'];
const OPEN_GRANTS = [
  'authorization_code', 'implicit', 'password', 'refresh_token',
  'urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:device_code',
];

describe('decideGrant', () => {
  it('rejects client_credentials for a public client because RFC 6749 §4.4 reserves it for confidential clients', () => {
    const d = decideGrant('none', 'client_credentials');
    expect(d.allowed, ruleMessage('RFC 6749 §4.4', 'the client credentials grant MUST only be used by confidential clients', false, d.allowed)).toBe(false);
    expect(d.spec, ruleMessage('RFC 6749 §4.4', 'the decision cites the section that forbids it', 'RFC 6749 §4.4', d.spec)).toBe('RFC 6749 §4.4');
    expect(d.reason, ruleMessage('RFC 6749 §5.2', 'the reason names the client type so the error_description helps', 'a reason containing "public"', d.reason)).toMatch(/public/);
  });

  it('rejects CIBA for a public client because CIBA Core §7.1 requires client authentication', () => {
    const d = decideGrant('none', 'urn:openid:params:grant-type:ciba');
    expect(d.allowed, ruleMessage('CIBA Core §7.1', 'the backchannel request must be authenticated, so public clients cannot use CIBA', false, d.allowed)).toBe(false);
    expect(d.spec, ruleMessage('CIBA Core §7.1', 'the decision cites CIBA Core §7.1', 'CIBA Core §7.1', d.spec)).toBe('CIBA Core §7.1');
  });

  it('accepts client_credentials and CIBA for every confidential method', () => {
    for (const method of CONFIDENTIAL) {
      for (const grant of ['client_credentials', 'urn:openid:params:grant-type:ciba']) {
        const d = decideGrant(method, grant);
        expect(d.allowed, ruleMessage('RFC 6749 §2.1', `a client registered with ${method} is confidential and may use ${grant}`, true, d.allowed)).toBe(true);
      }
    }
  });

  it('accepts every other grant for both client types, citing RFC 6749 §2.1', () => {
    for (const method of ['none', ...CONFIDENTIAL]) {
      for (const grant of OPEN_GRANTS) {
        const d = decideGrant(method, grant);
        expect(d.allowed, ruleMessage('RFC 6749 §2.1', `no rule restricts ${grant} for a ${method === 'none' ? 'public' : 'confidential'} client`, true, d.allowed)).toBe(true);
        expect(d.spec, ruleMessage('RFC 6749 §2.1', `an unrestricted grant (${grant}) cites the client-type section`, 'RFC 6749 §2.1', d.spec)).toBe('RFC 6749 §2.1');
      }
    }
  });

  it('compares grant types exactly: "Client_Credentials" is not the client credentials grant', () => {
    const d = decideGrant('none', 'Client_Credentials');
    expect(d.allowed, ruleMessage('RFC 6749 §4.4', 'grant_type values are compared as exact strings; an unknown value is left to the grant handler', true, d.allowed)).toBe(true);
  });
});
