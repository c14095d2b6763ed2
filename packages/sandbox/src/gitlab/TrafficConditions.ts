import type { ApiResponse } from './http';

export interface Fault {
  readonly status: 429 | 500 | 502;
  /** how many matching requests fail */
  readonly times: number;
  /** the `Retry-After` of a 429; 60 when left out */
  readonly retryAfterSeconds?: number;
  /** tested against the decoded path; every request matches when left out */
  readonly pathPattern?: RegExp;
}

const RATE_LIMIT = 2000;
const WINDOW_SECONDS = 60;

/**
 * The conditions requests meet before the API answers them: added latency, injected faults,
 * and the rate-limit counters GitLab reports on every response. The limit is reported, never
 * enforced; throttling is what `inject({ status: 429 })` is for.
 */
export class TrafficConditions {
  latencyMs: number;
  readonly #faults: Array<{ fault: Fault; left: number }> = [];
  #windowStart = 0;
  #observed = 0;

  constructor(latencyMs = 0) {
    this.latencyMs = latencyMs;
  }

  inject(fault: Fault): void {
    if (!Number.isInteger(fault.times) || fault.times < 1) {
      throw new Error(
        `A fault needs a positive whole number of times, not ${fault.times}`,
      );
    }
    this.#faults.push({ fault, left: fault.times });
  }

  /** The answer of the first pending fault that matches `path`, spending one of its times. */
  takeFault(path: string): ApiResponse | undefined {
    const index = this.#faults.findIndex(
      ({ fault }) => fault.pathPattern?.test(path) ?? true,
    );
    if (index < 0) return undefined;
    const pending = this.#faults[index];
    pending.left -= 1;
    if (pending.left === 0) this.#faults.splice(index, 1);
    return faultResponse(pending.fault);
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
function faultResponse(fault: Fault): ApiResponse {
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
