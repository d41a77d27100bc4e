/**
 * FAPI security profiles, as data plus one predicate. Each rule names the clause that states it,
 * so a refusal can say exactly which profile forbids what.
 */
import type { TokenEndpointAuthMethod } from '../client-auth/types.js';
import type { AudiencePolicy } from '../assertions/audience.js';

export type FapiProfileName = 'fapi1-part1' | 'fapi1-part2' | 'fapi2';

export interface FapiProfile {
  name: FapiProfileName;
  title: string;
  /** Client authentication methods the AS may accept from a confidential client. */
  methods: readonly TokenEndpointAuthMethod[];
  methodsSpec: string;
  /** Signing algorithms allowed for client assertions; undefined means the profile does not narrow them. */
  algorithms?: readonly string[];
  algorithmsSpec?: string;
  minRsaBits: number;
  minEcBits: number;
  keySizeSpec: string;
  /** Set when the profile requires an audience policy. */
  audiencePolicy?: AudiencePolicy;
  audienceSpec?: string;
  /** Set when aud must be a plain string, not even a one-member array: the clause that says so. */
  audienceAsStringSpec?: string;
  /** iat/nbf this many seconds in the future must be accepted … */
  futureSkewAcceptSeconds?: number;
  /** … and more than this many seconds must be rejected. */
  futureSkewRejectSeconds?: number;
  skewSpec?: string;
}

const MTLS_METHODS: readonly TokenEndpointAuthMethod[] = ['tls_client_auth', 'self_signed_tls_client_auth'];

export const FAPI_PROFILES: Readonly<Record<FapiProfileName, FapiProfile>> = {
  'fapi1-part1': {
    name: 'fapi1-part1',
    title: 'FAPI 1.0 Part 1: Baseline',
    // §5.2.2 (2): public clients are allowed (identified by client_id); (4): how confidential ones authenticate.
    methods: [...MTLS_METHODS, 'client_secret_jwt', 'private_key_jwt', 'none'],
    methodsSpec: 'FAPI 1.0 Part 1 §5.2.2 (2), (4)',
    minRsaBits: 2048,
    minEcBits: 160,
    keySizeSpec: 'FAPI 1.0 Part 1 §5.2.2 (5), (6)',
  },
  'fapi1-part2': {
    name: 'fapi1-part2',
    title: 'FAPI 1.0 Part 2: Advanced',
    methods: [...MTLS_METHODS, 'private_key_jwt'],
    methodsSpec: 'FAPI 1.0 Part 2 §5.2.2 (14)',
    algorithms: ['PS256', 'ES256'],
    algorithmsSpec: 'FAPI 1.0 Part 2 §8.6',
    minRsaBits: 2048,
    minEcBits: 160,
    keySizeSpec: 'FAPI 1.0 Part 1 §5.2.2 (5), (6)',
  },
  fapi2: {
    name: 'fapi2',
    title: 'FAPI 2.0 Security Profile',
    methods: [...MTLS_METHODS, 'private_key_jwt'],
    methodsSpec: 'FAPI 2.0 Security Profile §5.3.2.1 (3), (6)',
    algorithms: ['PS256', 'ES256', 'EdDSA', 'Ed25519'],
    algorithmsSpec: 'FAPI 2.0 Security Profile §5.4.1',
    minRsaBits: 2048,
    minEcBits: 224,
    keySizeSpec: 'FAPI 2.0 Security Profile §5.4',
    audiencePolicy: 'strict',
    audienceSpec: 'FAPI 2.0 Security Profile §5.3.2.1 (8)',
    audienceAsStringSpec: 'FAPI 2.0 Security Profile §5.3.2.1 (8)',
    futureSkewAcceptSeconds: 10,
    futureSkewRejectSeconds: 60,
    skewSpec: 'FAPI 2.0 Security Profile §5.3.2.1 (13)',
  },
};

export function isFapiProfileName(name: unknown): name is FapiProfileName {
  return typeof name === 'string' && Object.hasOwn(FAPI_PROFILES, name);
}

export interface FapiViolation {
  rule: 'method' | 'algorithm' | 'key_size' | 'audience_policy';
  detail: string;
  spec: string;
}

export interface FapiSubject {
  method?: TokenEndpointAuthMethod;
  alg?: string;
  /** The verification key: its type and size in bits. */
  key?: { type: 'RSA' | 'EC' | 'OKP'; bits: number };
  audiencePolicy?: AudiencePolicy;
}

/** Every FAPI rule the subject breaks, each with its clause. An empty list means it conforms. */
export function checkFapiClientAuthentication(profile: FapiProfile, subject: FapiSubject): FapiViolation[] {
  const violations: FapiViolation[] = [];
  const { method, alg, key, audiencePolicy } = subject;
  if (method !== undefined && !profile.methods.includes(method)) {
    violations.push({
      rule: 'method',
      detail: `${profile.title} does not allow ${method}; allowed: ${profile.methods.join(', ')}`,
      spec: profile.methodsSpec,
    });
  }
  if (alg !== undefined && profile.algorithms !== undefined && !profile.algorithms.includes(alg)) {
    violations.push({
      rule: 'algorithm',
      detail: `${profile.title} allows only ${profile.algorithms.filter((a) => a !== 'Ed25519').join(', ')} for client assertions, not ${alg}`,
      spec: profile.algorithmsSpec ?? profile.methodsSpec,
    });
  }
  if (key !== undefined) {
    const min = key.type === 'RSA' ? profile.minRsaBits : profile.minEcBits;
    if (key.bits < min) {
      violations.push({
        rule: 'key_size',
        detail: `${profile.title} requires ${key.type === 'RSA' ? 'RSA' : 'elliptic-curve'} keys of ${min} bits or more; this key has ${key.bits}`,
        spec: profile.keySizeSpec,
      });
    }
  }
  if (profile.audiencePolicy !== undefined && audiencePolicy !== undefined && audiencePolicy !== profile.audiencePolicy) {
    violations.push({
      rule: 'audience_policy',
      detail: `${profile.title} requires the ${profile.audiencePolicy} audience policy (the issuer identifier as the only aud)`,
      spec: profile.audienceSpec ?? profile.methodsSpec,
    });
  }
  return violations;
}
