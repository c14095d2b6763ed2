import {
  PoolDetail,
  PoolHistory,
  PoolPod,
  PoolSummary,
  WarmPoolsApi,
} from '@fleetdeck/plugin-warm-pools-common';

const MINUTE_MS = 60_000;

/** A pool summary with the numbers of a quiet, healthy pool; pass what differs. */
export function poolSummary(
  ref: { cluster: string; namespace: string; pool: string },
  numbers: Partial<PoolSummary> = {},
): PoolSummary {
  return {
    ...ref,
    id: `${ref.cluster}/${ref.namespace}/${ref.pool}`,
    target: 4,
    warmReady: 4,
    warmPending: 0,
    assigned: 5,
    onDemandSessions: 2,
    sessionsStarted: 40,
    emptyEvents: 3,
    emptyEventsToday: 1,
    timeToReady: { count: 44, p50Ms: 12_000, p90Ms: 18_000, p99Ms: 25_000 },
    assignmentRatePerMinute: 1.5,
    assignmentWindowMs: 15 * MINUTE_MS,
    replenishLag: { count: 38, p50Ms: 14_000, p90Ms: 21_000, p99Ms: 30_000 },
    stale: false,
    lastSyncedAt: '2025-06-01T10:00:00.000Z',
    ...numbers,
  };
}

/** healthy, low and (on a cluster whose watch is down) empty. */
export const pools: PoolSummary[] = [
  poolSummary({ cluster: 'prod-eu-1', namespace: 'sessions', pool: 'warm' }),
  poolSummary(
    { cluster: 'prod-eu-1', namespace: 'sessions', pool: 'gpu' },
    {
      target: 2,
      warmReady: 1,
      warmPending: 1,
      assigned: 7,
      emptyEventsToday: 0,
    },
  ),
  poolSummary(
    { cluster: 'prod-us-1', namespace: 'demo', pool: 'warm' },
    {
      warmReady: 0,
      warmPending: 2,
      assigned: 9,
      onDemandSessions: 6,
      emptyEventsToday: 4,
      stale: true,
      lastSyncedAt: '2025-06-01T09:45:00.000Z',
    },
  ),
];

export const POOL_ID = 'prod-eu-1/sessions/warm';
export const POOL_REF = {
  cluster: 'prod-eu-1',
  namespace: 'sessions',
  pool: 'warm',
};

export const poolDetail: PoolDetail = {
  ...poolSummary(POOL_REF, { warmReady: 3, warmPending: 1 }),
  sessionStartLatency: {
    warm: { count: 38, p50Ms: 120, p90Ms: 300, p99Ms: 800 },
    onDemand: { count: 2, p50Ms: 52_000, p90Ms: 61_000, p99Ms: 61_000 },
  },
  timeToReadyHistogram: [
    { leMs: 5_000, count: 0 },
    { leMs: 10_000, count: 8 },
    { leMs: 15_000, count: 20 },
    { leMs: 20_000, count: 12 },
    { leMs: 30_000, count: 3 },
    { leMs: 60_000, count: 1 },
  ],
  advice: {
    recommendedTarget: 6,
    currentTarget: 4,
    arrivalRatePerMinute: 1.5,
    refillSeconds: 18,
    emptyProbabilityTarget: 0.01,
    emptyProbabilityAtCurrent: 0.034,
  },
  recentEmptyAt: ['2025-06-01T09:12:00.000Z', '2025-06-01T08:30:00.000Z'],
};

/** A pod created `minutesAgo` before now. */
function pod(
  name: string,
  state: PoolPod['state'],
  minutesAgo: number,
  sessionId?: string,
): PoolPod {
  const ageMs = minutesAgo * MINUTE_MS;
  return {
    name,
    state,
    sessionId,
    createdAt: new Date(Date.now() - ageMs).toISOString(),
    ageMs,
  };
}

export function poolPods(): PoolPod[] {
  return [
    pod('warm-7xk2p', 'warm-ready', 12),
    pod('warm-9qd4t', 'warm-ready', 3),
    pod('warm-b2m8z', 'warm-ready', 40),
    pod('warm-c5n1w', 'warm-pending', 0),
    pod('warm-h3j6r', 'assigned', 95, 'sess-1a2b'),
    pod('session-k8v3x', 'on-demand', 7, 'sess-9z8y'),
  ];
}

export const poolHistory: PoolHistory = {
  id: POOL_ID,
  from: '2025-06-01T09:00:00.000Z',
  to: '2025-06-01T10:00:00.000Z',
  stepSeconds: 10,
  points: [0, 1, 2, 3].map(i => ({
    at: new Date(
      Date.parse('2025-06-01T09:59:20.000Z') + i * 10_000,
    ).toISOString(),
    target: 4,
    warmReady: 4 - (i % 2),
    warmPending: i % 2,
    assigned: 5 + i,
    sessionsStarted: i % 2,
    onDemandSessions: 0,
    emptyEvents: 0,
  })),
};

/** A WarmPoolsApi answering with the fixtures; pass overrides to change single calls. */
export function mockWarmPoolsApi(
  overrides: Partial<jest.Mocked<WarmPoolsApi>> = {},
): jest.Mocked<WarmPoolsApi> {
  return {
    listPools: jest.fn().mockResolvedValue(pools),
    getPool: jest.fn().mockResolvedValue(poolDetail),
    listPods: jest.fn().mockImplementation(async () => poolPods()),
    getHistory: jest.fn().mockResolvedValue(poolHistory),
    terminatePod: jest.fn().mockResolvedValue(undefined),
    ...overrides,
  };
}

/** A mock of an API call that never answers: the page stays loading. */
export function unanswered() {
  return jest.fn().mockReturnValue(new Promise(() => {}));
}
