/**
 * Shared helpers for exercise specs: one lab-server per spec file.
 *
 *   import { useLab } from '../support/lab.js';
 *   const lab = useLab();                       // starts in beforeAll, stops in afterAll
 *   it('…', async () => { const client = await lab().register({ … }); … });
 *
 * Learners never edit this folder; the grader copies it next to the official specs.
 */
import { afterAll, beforeAll } from 'vitest';
import { startLab, formatTrace, type Lab } from '@client-auth-lab/lab-server';

export type { Lab };

/** Options passed through to startLab (profile, audience policy, …). */
export type LabOptions = NonNullable<Parameters<typeof startLab>[0]>;

/**
 * Starts one lab (HTTP and mutual-TLS listeners on free ports) before the spec's tests and stops it
 * after them. Returns a getter, because the lab exists only once beforeAll has run.
 */
export function useLab(options: LabOptions = {}): () => Lab {
  let lab: Lab | undefined;
  beforeAll(async () => {
    lab = await startLab(options);
  });
  afterAll(async () => {
    await lab?.stop();
  });
  return () => {
    if (lab === undefined) throw new Error('the lab is not running yet: call lab() inside a test, not at the top of the spec');
    return lab;
  };
}

/** The newest trace of a client as text (each check with ✓/✗ and its spec section), for failure messages. */
export function traceOf(lab: Lab, clientId?: string): string {
  return formatTrace(lab.lastTrace(clientId === undefined ? {} : { clientId }));
}
