// The lab server's clock can be shifted from a notebook (lab.clock), and every trace says so while it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabClock, clockShiftNote, startLab, type Lab } from '@client-auth-lab/lab-server';
import { assertionClaims, ecKey, JWT_BEARER, postForm, signJwt, type TestKeyPair } from './support.js';

describe('createLabClock', () => {
  it('adds up shifts and resets to the base clock', () => {
    const clock = createLabClock(() => 1_000_000);
    clock.shift(70);
    clock.shift(-10);
    expect(clock.now()).toBe(1_060_000);
    expect(clock.offsetSeconds).toBe(60);
    clock.reset();
    expect(clock.now()).toBe(1_000_000);
    expect(clockShiftNote(clock)).toBeUndefined();
  });
  it('rejects a shift that is not a finite number, because time cannot move by NaN', () => {
    expect(() => createLabClock().shift(Number.NaN)).toThrow(TypeError);
  });
});

describe('lab.clock in a running lab', () => {
  let lab: Lab;
  let key: TestKeyPair;
  let clientId: string;
  beforeAll(async () => {
    lab = await startLab({ log: () => {} });
    key = ecKey('clock-key');
    clientId = (await lab.register({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, grant_types: ['client_credentials'] })).client_id;
  });
  afterAll(() => lab.stop());
  afterAll(() => lab?.clock.reset());

  const send = async (claims: Record<string, unknown>) => postForm(lab.urls.token, {
    grant_type: 'client_credentials', client_assertion_type: JWT_BEARER,
    client_assertion: await signJwt(claims, 'ES256', key.privateKey, { kid: 'clock-key' }),
  });

  it('rejects a 60-second assertion once the server clock runs 120 s ahead, because exp has passed', async () => {
    lab.clock.shift(120);
    const answer = await send(assertionClaims(clientId, lab.urls.token, { exp: Math.floor(Date.now() / 1000) + 60 }));
    expect(answer.status).toBe(400);
    const trace = lab.lastTrace({ clientId })!;
    expect(trace.outcome.code).toBe('ERR_ASSERTION_EXPIRED');
    expect(trace.notes.join(' ')).toContain('120 s ahead');
  });
  it('accepts the same kind of assertion after lab.clock.reset(), and the trace no longer mentions the clock', async () => {
    lab.clock.reset();
    const answer = await send(assertionClaims(clientId, lab.urls.token, { exp: Math.floor(Date.now() / 1000) + 60 }));
    expect(answer.status).toBe(200);
    expect(lab.lastTrace({ clientId })!.notes.join(' ')).not.toContain('clock is shifted');
  });
});
