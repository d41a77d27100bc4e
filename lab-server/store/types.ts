/**
 * Everything the server remembers lives behind one interface: registered clients, issued tokens,
 * authorization codes, device and CIBA requests, and the jti replay store. Reads are synchronous
 * (state is held in memory); `commit` resolves once every change so far is durable. A store shared by
 * several processes (PostgreSQL) also has `refresh`, which brings in what the others changed.
 */
import type { ConfirmationClaim, RegisteredClient, ReplayStore } from '@client-auth-lab/lib';
import type { SharedRateBuckets } from '../rate-limit.js';

/** A registered client as stored: its metadata plus what RFC 7591 §3.2.1 and RFC 7592 §3 add. */
export interface StoredClient extends RegisteredClient {
  client_id_issued_at: number;
  /** SHA-256 (base64url) of the registration access token (RFC 7592 §3); the token itself is not kept. */
  registration_access_token_sha256?: string;
}

export type TokenKind = 'access_token' | 'refresh_token';

export interface TokenRecord {
  kind: TokenKind;
  value: string;
  client_id: string;
  /** The resource owner, when the grant had one. */
  sub?: string;
  scope?: string;
  grant_type: string;
  /** Tokens issued from one grant share it, so revoking one can revoke the others (RFC 7009 §2.1). */
  grant_id: string;
  iat: number;
  exp: number;
  cnf?: ConfirmationClaim;
  revoked?: boolean;
}

export interface AuthorizationCodeRecord {
  code: string;
  client_id: string;
  redirect_uri: string;
  /** Whether redirect_uri was present in the authorization request (RFC 6749 §4.1.3). */
  redirect_uri_given: boolean;
  scope?: string;
  sub: string;
  code_challenge: string;
  code_challenge_method: 'S256';
  exp: number;
  grant_id: string;
  /** Set when the code was redeemed; a second use is refused and revokes the grant (RFC 6749 §4.1.2). */
  used_at?: number;
}

export type ApprovalStatus = 'pending' | 'approved' | 'denied';

export interface DeviceCodeRecord {
  device_code: string;
  user_code: string;
  client_id: string;
  scope?: string;
  exp: number;
  interval: number;
  status: ApprovalStatus;
  sub?: string;
  last_poll?: number;
}

export interface CibaRequestRecord {
  auth_req_id: string;
  client_id: string;
  scope: string;
  login_hint: string;
  binding_message?: string;
  exp: number;
  interval: number;
  status: ApprovalStatus;
  sub: string;
  /** Epoch ms at which the lab user approves automatically, if they do. */
  approve_at?: number;
  last_poll?: number;
}

/** A setting of the lab itself, kept by a store shared by several processes (e.g. 'current_user'). */
export interface LabSetting {
  value: string;
}

export interface Collection<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
  delete(key: string): boolean;
  /** Reads and removes in one step: of two concurrent takes, only one gets the value. */
  take(key: string): T | undefined;
  values(): IterableIterator<T>;
  readonly size: number;
}

/** One recorded (iss, jti) pair of the replay store, as `GET /lab/replay` lists it. */
export interface ReplayEntry {
  readonly iss: string;
  readonly jti: string;
  /** When the pair may be used again, in epoch ms (the assertion's exp plus the allowed skew). */
  readonly expiresAt: number;
}

/** The replay store of RFC 7523 §3 (7), which the lab also lets the learner look into. */
export interface LabReplayStore extends ReplayStore {
  /** The pairs not yet expired at `nowMs`, soonest expiry first. */
  list(nowMs: number): Promise<ReplayEntry[]>;
}

export interface LabStore {
  readonly clients: Collection<StoredClient>;
  readonly tokens: Collection<TokenRecord>;
  readonly codes: Collection<AuthorizationCodeRecord>;
  readonly deviceCodes: Collection<DeviceCodeRecord>;
  readonly cibaRequests: Collection<CibaRequestRecord>;
  readonly replay: LabReplayStore;
  /** Where the state is kept, or undefined for memory only. */
  readonly location: string | undefined;
  /** Resolves once every change made so far is durable (at once for the memory store). */
  commit(): Promise<void>;
  /** Drops expired tokens, codes and requests (epoch seconds). */
  sweep(nowSeconds: number): void;
  /**
   * Set when several processes share the store: each request first catches up with what the others
   * changed (so a client registered on one is known to all), and is answered only once commit() has
   * made its changes durable.
   */
  refresh?(): Promise<void>;
  /** Set with refresh: the lab's own settings (the current lab user) that every process shares. */
  readonly settings?: Collection<LabSetting>;
  /** Set with refresh: the rate-limit buckets every process shares, so the room's limits hold across them. */
  readonly rateBuckets?: SharedRateBuckets;
  close(): Promise<void>;
}

/**
 * Material that every process of one server must hold the same (the issuer, the lab CA, the signing
 * key): the first process to propose a value wins, and the others get that value.
 */
export interface SharedMaterial {
  /** The value stored under `name`, made with `propose` and stored if there is none yet. */
  agree(name: string, propose: () => Promise<string>): Promise<string>;
}
