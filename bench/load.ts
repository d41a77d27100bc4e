/**
 * A closed-loop load generator on undici: `concurrency` workers, each with its own kept-alive
 * connection, send the next request as soon as the previous answer is read. Every answer is checked
 * (status 200 and a JSON body with an access_token); a benchmark of errors is worthless, so the
 * caller fails the case when any answer was not a token.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface RequestSpec {
  headers: Record<string, string>;
  body: string;
}

export interface LoadOptions {
  /** Origin, e.g. http://localhost:4000 or https://localhost:4443. */
  origin: string;
  path: string;
  concurrency: number;
  durationMs: number;
  /** The i-th request of the run (0-based); must never repeat an assertion. */
  next: (i: number) => RequestSpec;
  /** TLS options for https origins: the CA to trust and the client certificate to present. */
  tls?: { ca: string; cert?: string; key?: string; servername?: string };
  /** When true (default) the body must be JSON with a string access_token. */
  expectToken?: boolean;
}

export interface LoadResult {
  requests: number;
  ok: number;
  failures: number;
  /** The first few failures, status and body, to say what went wrong. */
  failureSamples: string[];
  durationMs: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.origin, {
    connections: options.concurrency,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    ...(options.tls === undefined ? {} : {
      connect: { ca: options.tls.ca, ...(options.tls.cert === undefined ? {} : { cert: options.tls.cert, key: options.tls.key }), servername: options.tls.servername ?? 'localhost' },
    }),
  });
  const expectToken = options.expectToken ?? true;
  const latencies: number[] = [];
  const failureSamples: string[] = [];
  let failures = 0;
  let issued = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;

  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const spec = options.next(issued++);
      const t0 = performance.now();
      let status = 0;
      let text = '';
      try {
        const response = await pool.request({ path: options.path, method: 'POST', headers: spec.headers, body: spec.body });
        status = response.statusCode;
        text = await response.body.text();
      } catch (error) {
        text = `transport error: ${(error as Error).message}`;
      }
      latencies.push(performance.now() - t0);
      let good = status === 200;
      if (good && expectToken) {
        try {
          good = typeof (JSON.parse(text) as { access_token?: unknown }).access_token === 'string';
        } catch {
          good = false;
        }
      }
      if (!good) {
        failures += 1;
        if (failureSamples.length < 3) failureSamples.push(`${status} ${text.slice(0, 300)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const durationMs = performance.now() - started;
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    ok: latencies.length - failures,
    failures,
    failureSamples,
    durationMs,
    rps: latencies.length / (durationMs / 1000),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number),
  };
}
