import { describe, expect, it } from 'vitest';
import { specLinks, specUrl } from '../../../lab-server/spec-links.js';
import { renderSpecLinks } from '../../../lab-server/trace-render.js';

describe('spec links', () => {
  it('links RFC sections and appendices to rfc-editor.org', () => {
    expect(specUrl('RFC 7523 §3 (3)')).toBe('https://www.rfc-editor.org/rfc/rfc7523.html#section-3');
    expect(specUrl('RFC 6749 §2.3.1')).toBe('https://www.rfc-editor.org/rfc/rfc6749.html#section-2.3.1');
    expect(specUrl('RFC 6749 Appendix B')).toBe('https://www.rfc-editor.org/rfc/rfc6749.html#appendix-B');
    expect(specUrl('RFC 7523 §3(B)')).toBe('https://www.rfc-editor.org/rfc/rfc7523.html#section-3');
    expect(specUrl('RFC 7617')).toBe('https://www.rfc-editor.org/rfc/rfc7617.html');
  });

  it('links drafts to the datatracker and OpenID specs to openid.net, with named anchors where known', () => {
    expect(specUrl('draft-ietf-oauth-attestation-based-client-auth-07 §5')).toBe('https://datatracker.ietf.org/doc/html/draft-ietf-oauth-attestation-based-client-auth#section-5');
    expect(specUrl('RFC 10070 §4')).toBe('https://www.rfc-editor.org/rfc/rfc10070.html#section-4');
    expect(specUrl('OIDC Core §9')).toBe('https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication');
    expect(specUrl('OIDC Dynamic Client Registration §2')).toBe('https://openid.net/specs/openid-connect-registration-1_0.html#ClientMetadata');
    expect(specUrl('CIBA Core §7.1')).toBe('https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html');
    expect(specUrl('FAPI 2.0 Security Profile §5.3.2.1')).toBe('https://openid.net/specs/fapi-security-profile-2_0-final.html');
  });

  it('splits a check\'s references and leaves unknown documents as plain text', () => {
    expect(specLinks('RFC 7523 §3 (3); CIBA Core §7.1; Lab rule')).toEqual([
      { text: 'RFC 7523 §3 (3)', url: 'https://www.rfc-editor.org/rfc/rfc7523.html#section-3' },
      { text: 'CIBA Core §7.1', url: 'https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html' },
      { text: 'Lab rule' },
    ]);
    expect(specLinks(undefined)).toEqual([]);
  });

  it('builds hrefs only from matched numbers, so a hostile reference cannot leave the attribute', () => {
    const html = renderSpecLinks('RFC 7523 §3"><script>x</script>; javascript:alert(1)');
    expect(html).toBe('<a href="https://www.rfc-editor.org/rfc/rfc7523.html#section-3" target="_blank" rel="noopener noreferrer">RFC 7523 §3&quot;&gt;&lt;script&gt;x&lt;/script&gt;</a>; javascript:alert(1)');
  });
});
