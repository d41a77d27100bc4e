/**
 * Spec references as links: "RFC 7523 §3 (3); OIDC Core §9" becomes two links, one per document.
 * Only URLs are built here; nothing is fetched. URLs are made from the matched digits and section
 * numbers alone, so an odd reference string can never smuggle text into an href.
 */

export interface SpecLink {
  /** The reference as written, e.g. "RFC 7523 §3 (3)". */
  text: string;
  /** Where to read it, when the document is known. */
  url?: string;
}

interface OpenIdSpec {
  /** How the lib names it, longest names first so "OIDC Core" does not shadow a longer name. */
  name: string;
  url: string;
  /** Named anchors for the sections the lab cites (openid.net pages use names, not numbers). */
  anchors?: Record<string, string>;
}

const OPENID_SPECS: readonly OpenIdSpec[] = [
  { name: 'OIDC Dynamic Client Registration', url: 'https://openid.net/specs/openid-connect-registration-1_0.html', anchors: { '2': 'ClientMetadata', '3': 'ClientRegistration' } },
  { name: 'OIDC Discovery', url: 'https://openid.net/specs/openid-connect-discovery-1_0.html', anchors: { '3': 'ProviderMetadata' } },
  { name: 'OIDC Core', url: 'https://openid.net/specs/openid-connect-core-1_0.html', anchors: { '9': 'ClientAuthentication', '10.1': 'Signing' } },
  { name: 'CIBA Core', url: 'https://openid.net/specs/openid-client-initiated-backchannel-authentication-core-1_0.html' },
  { name: 'FAPI 2.0 Security Profile', url: 'https://openid.net/specs/fapi-security-profile-2_0-final.html' },
  { name: 'FAPI 1.0 Part 1', url: 'https://openid.net/specs/openid-financial-api-part-1-1_0.html' },
  { name: 'FAPI 1.0 Part 2', url: 'https://openid.net/specs/openid-financial-api-part-2-1_0.html' },
];

const RFC = /^RFC\s*(\d{1,5})(?:\s*§\s*(\d+(?:\.\d+)*))?(?:\s*Appendix\s+([A-Z](?:\.\d+)*))?/;
const DRAFT = /^(draft-[a-z0-9-]+?)(?:-\d{2})?(?:\s*§\s*(\d+(?:\.\d+)*))?(?:\s|$|\()/;
const SECTION = /§\s*(\d+(?:\.\d+)*)/;

/** The URL of one reference ("RFC 6749 §2.3.1", "RFC 6749 Appendix B", "OIDC Core §9"), if known. */
export function specUrl(reference: string): string | undefined {
  const text = reference.trim();
  const rfc = RFC.exec(text);
  if (rfc !== null) {
    const base = `https://www.rfc-editor.org/rfc/rfc${rfc[1] as string}.html`;
    if (rfc[3] !== undefined) return `${base}#appendix-${rfc[3]}`;
    return rfc[2] === undefined ? base : `${base}#section-${rfc[2]}`;
  }
  const draft = DRAFT.exec(text);
  if (draft !== null) {
    const base = `https://datatracker.ietf.org/doc/html/${draft[1] as string}`;
    return draft[2] === undefined ? base : `${base}#section-${draft[2]}`;
  }
  const spec = OPENID_SPECS.find((s) => text === s.name || text.startsWith(`${s.name} `) || text.startsWith(`${s.name},`));
  if (spec === undefined) return undefined;
  const section = SECTION.exec(text.slice(spec.name.length))?.[1];
  const anchor = section === undefined ? undefined : spec.anchors?.[section];
  return anchor === undefined ? spec.url : `${spec.url}#${anchor}`;
}

/** Splits a check's spec string into its references, each with its URL when the document is known. */
export function specLinks(spec: string | undefined): SpecLink[] {
  if (spec === undefined || spec.trim() === '') return [];
  return spec.split(';').map((part) => part.trim()).filter((part) => part !== '').map((text) => {
    const url = specUrl(text);
    return url === undefined ? { text } : { text, url };
  });
}
