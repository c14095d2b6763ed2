import {
  FailoverRecord,
  GroupTopology,
  LagSample,
  SentinelApi,
  SentinelGroupSummary,
  SessionStoreStats,
} from '@fleetdeck/plugin-sentinel-common';

export const healthyTopology: GroupTopology = {
  group: 'sessions',
  masterName: 'sessions-master',
  health: 'healthy',
  problems: [],
  master: {
    address: '10.0.0.1:6379',
    role: 'master',
    reachable: true,
    offset: 50_000,
  },
  replicas: [
    {
      address: '10.0.0.2:6379',
      role: 'replica',
      reachable: true,
      linkStatus: 'up',
      offset: 50_000,
      lagBytes: 0,
      lagSeconds: 0,
    },
    {
      address: '10.0.0.3:6379',
      role: 'replica',
      reachable: true,
      linkStatus: 'up',
      offset: 48_464,
      lagBytes: 1536,
      lagSeconds: 0.4,
    },
  ],
  sentinels: [
    {
      address: '10.0.0.11:26379',
      reachable: true,
      master: '10.0.0.1:6379',
      masterFlags: ['master'],
    },
    {
      address: '10.0.0.12:26379',
      reachable: true,
      master: '10.0.0.1:6379',
      masterFlags: ['master'],
    },
    {
      address: '10.0.0.13:26379',
      reachable: true,
      master: '10.0.0.1:6379',
      masterFlags: ['master'],
    },
  ],
  quorum: { quorum: 2, usable: 3, ok: true, message: 'OK 3 usable Sentinels' },
  sentinelsAgree: true,
  updatedAt: '2025-06-01T10:00:00.000Z',
};

export const degradedTopology: GroupTopology = {
  group: 'cache',
  masterName: 'cache-master',
  health: 'degraded',
  problems: [
    'replica 10.1.0.3:6379: master link down',
    'sentinel 10.1.0.13:26379 unreachable',
  ],
  master: {
    address: '10.1.0.1:6379',
    role: 'master',
    reachable: true,
    offset: 90_000,
  },
  replicas: [
    {
      address: '10.1.0.2:6379',
      role: 'replica',
      reachable: true,
      linkStatus: 'up',
      offset: 90_000,
      lagBytes: 0,
      lagSeconds: 0,
    },
    {
      address: '10.1.0.3:6379',
      role: 'replica',
      reachable: true,
      linkStatus: 'down',
      offset: 10_000,
      lagBytes: 80_000,
      lagSeconds: 42,
    },
  ],
  sentinels: [
    {
      address: '10.1.0.11:26379',
      reachable: true,
      master: '10.1.0.1:6379',
      masterFlags: ['master'],
    },
    {
      address: '10.1.0.12:26379',
      reachable: true,
      master: '10.1.0.1:6379',
      masterFlags: ['master'],
    },
    {
      address: '10.1.0.13:26379',
      reachable: false,
      lastError: 'connect ECONNREFUSED 10.1.0.13:26379',
      retryAt: '2025-06-01T10:00:30.000Z',
    },
  ],
  quorum: { quorum: 2, usable: 2, ok: true, message: 'OK 2 usable Sentinels' },
  sentinelsAgree: true,
  updatedAt: '2025-06-01T10:00:00.000Z',
};

export const downTopology: GroupTopology = {
  group: 'queue',
  masterName: 'queue-master',
  health: 'down',
  problems: ['no sentinel reachable'],
  replicas: [],
  sentinels: [
    { address: '10.2.0.11:26379', reachable: false, lastError: 'timeout' },
    { address: '10.2.0.12:26379', reachable: false, lastError: 'timeout' },
  ],
  sentinelsAgree: false,
  updatedAt: '2025-06-01T10:00:00.000Z',
};

export const groupSummaries: SentinelGroupSummary[] = [
  {
    name: 'sessions',
    masterName: 'sessions-master',
    sentinels: healthyTopology.sentinels.map(s => s.address),
    tls: true,
    auth: true,
    topology: healthyTopology,
  },
  {
    name: 'cache',
    masterName: 'cache-master',
    sentinels: degradedTopology.sentinels.map(s => s.address),
    tls: false,
    auth: true,
    topology: degradedTopology,
  },
  {
    name: 'queue',
    masterName: 'queue-master',
    sentinels: downTopology.sentinels.map(s => s.address),
    tls: false,
    auth: false,
    topology: downTopology,
  },
];

/** A failover Sentinel decided on its own, every phase seen. */
export const detectedFailover: FailoverRecord = {
  id: 'f-1',
  group: 'sessions',
  masterName: 'sessions-master',
  oldMaster: '10.0.0.4:6379',
  newMaster: '10.0.0.1:6379',
  status: 'completed',
  trigger: 'detected',
  startedAt: '2025-06-01T09:00:00.000Z',
  endedAt: '2025-06-01T09:00:08.000Z',
  durationMs: 8000,
  phases: [
    { phase: 'sdown', at: '2025-06-01T09:00:00.000Z', sentinel: 's1' },
    { phase: 'odown', at: '2025-06-01T09:00:01.000Z', sentinel: 's1' },
    { phase: 'try-failover', at: '2025-06-01T09:00:01.200Z', sentinel: 's1' },
    {
      phase: 'leader-elected',
      at: '2025-06-01T09:00:01.500Z',
      sentinel: 's1',
    },
    {
      phase: 'replica-selected',
      at: '2025-06-01T09:00:02.000Z',
      sentinel: 's1',
    },
    {
      phase: 'replica-promoted',
      at: '2025-06-01T09:00:03.000Z',
      sentinel: 's1',
    },
    { phase: 'switch-master', at: '2025-06-01T09:00:05.000Z', sentinel: 's2' },
    { phase: 'failover-end', at: '2025-06-01T09:00:08.000Z', sentinel: 's1' },
  ],
};

/** A game-day failover someone started from Fleetdeck. */
export const manualFailover: FailoverRecord = {
  id: 'f-2',
  group: 'sessions',
  masterName: 'sessions-master',
  oldMaster: '10.0.0.1:6379',
  newMaster: '10.0.0.2:6379',
  status: 'completed',
  trigger: 'manual',
  triggeredBy: 'user:default/ada',
  reason: 'Game day: check clients reconnect',
  startedAt: '2025-06-01T09:30:00.000Z',
  endedAt: '2025-06-01T09:30:04.000Z',
  durationMs: 4000,
  phases: [
    { phase: 'try-failover', at: '2025-06-01T09:30:00.000Z', sentinel: 's2' },
    {
      phase: 'replica-selected',
      at: '2025-06-01T09:30:00.500Z',
      sentinel: 's2',
    },
    {
      phase: 'replica-promoted',
      at: '2025-06-01T09:30:01.000Z',
      sentinel: 's2',
    },
    { phase: 'switch-master', at: '2025-06-01T09:30:02.500Z', sentinel: 's2' },
    { phase: 'failover-end', at: '2025-06-01T09:30:04.000Z', sentinel: 's2' },
  ],
};

export const failovers: FailoverRecord[] = [manualFailover, detectedFailover];

export const lagSamples: LagSample[] = [
  {
    at: '2025-06-01T09:59:00.000Z',
    replica: '10.0.0.2:6379',
    lagBytes: 0,
    lagSeconds: 0,
  },
  {
    at: '2025-06-01T09:59:00.000Z',
    replica: '10.0.0.3:6379',
    lagBytes: 512,
    lagSeconds: 0.1,
  },
  {
    at: '2025-06-01T10:00:00.000Z',
    replica: '10.0.0.2:6379',
    lagBytes: 0,
    lagSeconds: 0,
  },
  {
    at: '2025-06-01T10:00:00.000Z',
    replica: '10.0.0.3:6379',
    lagBytes: 1536,
    lagSeconds: 0.4,
  },
];

export const sessionStoreStats: SessionStoreStats = {
  group: 'sessions',
  at: '2025-06-01T10:00:00.000Z',
  node: '10.0.0.2:6379',
  dbSize: 120_000,
  sampledKeys: 1000,
  commands: 1040,
  families: [
    {
      prefix: 'session:',
      sampled: 600,
      estimated: 72_000,
      ttlSeconds: { p50: 1800, p90: 3300, max: 3600 },
      withoutTtl: 0,
    },
    {
      prefix: 'user_sessions:',
      sampled: 250,
      estimated: 30_000,
      ttlSeconds: { p50: 1800, p90: 3300, max: 3600 },
      withoutTtl: 12,
    },
    {
      prefix: 'refresh_token:',
      sampled: 150,
      estimated: 18_000,
      ttlSeconds: { p50: 604_800, p90: 1_900_000, max: 2_592_000 },
      withoutTtl: 0,
    },
    {
      prefix: 'deletion_token:',
      sampled: 0,
      estimated: 0,
      ttlSeconds: null,
      withoutTtl: 0,
    },
  ],
};

/** A SentinelApi answering with the fixtures above; pass overrides to change single calls. */
export function mockSentinelApi(
  overrides: Partial<jest.Mocked<SentinelApi>> = {},
): jest.Mocked<SentinelApi> {
  return {
    listGroups: jest.fn().mockResolvedValue(groupSummaries),
    getTopology: jest.fn().mockResolvedValue(healthyTopology),
    listFailovers: jest.fn().mockResolvedValue(failovers),
    getLagHistory: jest.fn().mockResolvedValue(lagSamples),
    getSessionStoreStats: jest.fn().mockResolvedValue(sessionStoreStats),
    triggerFailover: jest.fn().mockResolvedValue({
      ...manualFailover,
      id: 'f-3',
      status: 'in-progress',
      phases: [],
    }),
    ...overrides,
  };
}
