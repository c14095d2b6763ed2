import type { ApiResponse } from './http';

interface FaultAnswer {
  readonly status: 429 | 500 | 502;
  /** the `Retry-After` of a 429; 60 when left out */
  readonly retryAfterSeconds?: number;
  /** tested against the decoded path; every request matches when left out */
  readonly pathPattern?: RegExp;
  /** only requests of this method (GET, PUT, …) match; every method when left out */
  readonly method?: string;
  /**
   * The request is carried out first and only its answer is replaced by the fault: GitLab did the work (merged,
   * committed) and then a proxy or GitLab itself answered 5xx or 429. Before handling when left out.
   */
  readonly afterHandling?: boolean;
}

/** Fails the next `times` matching requests, then goes away. */
export interface CountedFault extends FaultAnswer {
  /** how many matching requests fail */
  readonly times: number;
  readonly rate?: never;
}

/** Fails each matching request with probability `rate` until the faults are cleared. */
export interface ProbableFault extends FaultAnswer {
  /** the fraction of matching requests that fail, in (0, 1] */
  readonly rate: number;
  /** makes the failures repeatable: the same seed fails the same requests of the same sequence */
  readonly seed?: number;
  readonly times?: never;
}

export type Fault = CountedFault | ProbableFault;

type PendingFault =
  | { kind: 'counted'; fault: CountedFault; left: number }
  | { kind: 'probable'; fault: ProbableFault; draw: () => number };

const RATE_LIMIT = 2000;
const WINDOW_SECONDS = 60;

/**
 * The conditions requests meet before the API answers them: added latency, injected faults,
 * and the rate-limit counters GitLab reports on every response. The limit is reported, never
 * enforced; throttling is what `inject({ status: 429 })` is for.
 */
export class TrafficConditions {
  latencyMs: number;
  readonly #faults: PendingFault[] = [];
  #windowStart = 0;
  #observed = 0;

  constructor(latencyMs = 0) {
    this.latencyMs = latencyMs;
  }

  inject(fault: Fault): void {
    if (fault.rate !== undefined) {
      if (fault.times !== undefined) {
        throw new Error('A fault has either times or a rate, not both');
      }
      if (!(fault.rate > 0 && fault.rate <= 1)) {
        throw new Error(
          `A fault rate is a fraction above 0 and at most 1, not ${fault.rate}`,
        );
      }
      this.#faults.push({
        kind: 'probable',
        fault,
        draw: fault.seed === undefined ? Math.random : seededRandom(fault.seed),
      });
      return;
    }
    if (!Number.isInteger(fault.times) || fault.times < 1) {
      throw new Error(
        `A fault needs a positive whole number of times, not ${fault.times}`,
      );
    }
    this.#faults.push({ kind: 'counted', fault, left: fault.times });
  }

  /** Removes every pending fault, counted and probable. */
  clear(): void {
    this.#faults.length = 0;
  }

  /**
   * The answer of the first fault, in the order they were injected, that matches `path` and
   * fires: a counted fault always fires (spending one of its times), a probable one with its rate.
   */
  takeFault(
    path: string,
    method = 'GET',
    afterHandling = false,
  ): ApiResponse | undefined {
    for (let index = 0; index < this.#faults.length; index++) {
      const pending = this.#faults[index];
      if ((pending.fault.afterHandling ?? false) !== afterHandling) continue;
      if (pending.fault.method && pending.fault.method !== method) continue;
      if (!(pending.fault.pathPattern?.test(path) ?? true)) continue;
      if (pending.kind === 'probable') {
        if (pending.draw() < pending.fault.rate) {
          return faultResponse(pending.fault);
        }
        continue;
      }
      pending.left -= 1;
      if (pending.left === 0) this.#faults.splice(index, 1);
      return faultResponse(pending.fault);
    }
    return undefined;
  }

  /** Counts a request in the current window and gives GitLab's RateLimit-* headers for it. */
  observe(now = Date.now()): Record<string, string> {
    const nowSeconds = Math.floor(now / 1000);
    if (nowSeconds >= this.#windowStart + WINDOW_SECONDS) {
      this.#windowStart = nowSeconds;
      this.#observed = 0;
    }
    this.#observed += 1;
    const reset = this.#windowStart + WINDOW_SECONDS;
    return {
      'ratelimit-limit': String(RATE_LIMIT),
      'ratelimit-observed': String(this.#observed),
      'ratelimit-remaining': String(Math.max(0, RATE_LIMIT - this.#observed)),
      'ratelimit-reset': String(reset),
      'ratelimit-resettime': new Date(reset * 1000).toUTCString(),
    };
  }
}

// The bodies GitLab's front ends send: Rack::Attack's plain text for a throttle, the API's
// JSON for an internal error, Workhorse's page for a bad gateway.
function faultResponse(fault: FaultAnswer): ApiResponse {
  switch (fault.status) {
    case 429:
      return {
        status: 429,
        text: 'Retry later\n',
        headers: {
          'retry-after': String(fault.retryAfterSeconds ?? WINDOW_SECONDS),
        },
      };
    case 500:
      return { status: 500, body: { message: '500 Internal Server Error' } };
    case 502:
      return {
        status: 502,
        text: '502 Bad Gateway: GitLab is not responding\n',
      };
    default:
      throw new Error(`Unsupported fault status ${fault.status}`);
  }
}

// mulberry32: a small, well-mixed generator, enough to make a fault pattern repeatable
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
