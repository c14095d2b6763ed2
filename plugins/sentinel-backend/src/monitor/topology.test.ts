import {
  agreedMaster,
  assembleTopology,
  NodeInfo,
  replicaLag,
  SentinelPoll,
  topologyDigest,
} from './topology';

const at = new Date('2026-12-01T10:00:00.000Z');
const OK = { ok: true, usable: 3, message: 'OK 3 usable Sentinels.' };

function masterRecord(port: number, flags = 'master') {
  return {
    name: 'sessions',
    ip: '10.0.0.1',
    port: String(port),
    flags,
    quorum: '2',
  };
}

function replicaRecord(port: number, flags = 'slave', link = 'ok') {
  return {
    ip: '10.0.0.1',
    port: String(port),
    flags,
    'master-link-status': link,
    'role-reported': 'slave',
  };
}

function sentinel(
  port: number,
  masterPort = 6379,
  extra: Partial<SentinelPoll> = {},
): SentinelPoll {
  return {
    address: `10.0.0.9:${port}`,
    reachable: true,
    master: masterRecord(masterPort),
    replicas: [replicaRecord(6380), replicaRecord(6381)],
    peers: [],
    quorum: OK,
    ...extra,
  };
}

const masterInfo: NodeInfo = {
  reachable: true,
  info: { role: 'master', master_repl_offset: '5000' },
};
const replicaInfo = (offset: number, link = 'up'): NodeInfo => ({
  reachable: true,
  info: {
    role: 'slave',
    master_link_status: link,
    slave_repl_offset: String(offset),
    master_last_io_seconds_ago: '1',
  },
});

function healthyNodes() {
  return new Map<string, NodeInfo>([
    ['10.0.0.1:6379', masterInfo],
    ['10.0.0.1:6380', replicaInfo(5000)],
    ['10.0.0.1:6381', replicaInfo(4000)],
  ]);
}

const assemble = (
  sentinels: SentinelPoll[],
  nodes = healthyNodes(),
  masterWriteRate?: number,
) =>
  assembleTopology({
    group: 'g',
    masterName: 'sessions',
    sentinels,
    nodes,
    masterWriteRate,
    at,
  });

describe('assembleTopology', () => {
  it('is healthy when every sentinel answers and agrees, quorum holds and replicas are linked', () => {
    const topology = assemble(
      [sentinel(26379), sentinel(26380), sentinel(26381)],
      healthyNodes(),
      500,
    );
    expect(topology).toEqual({
      group: 'g',
      masterName: 'sessions',
      health: 'healthy',
      problems: [],
      master: {
        address: '10.0.0.1:6379',
        role: 'master',
        reachable: true,
        offset: 5000,
        flags: ['master'],
      },
      replicas: [
        {
          address: '10.0.0.1:6380',
          role: 'replica',
          reachable: true,
          linkStatus: 'up',
          offset: 5000,
          lagBytes: 0,
          lagSeconds: 0,
          flags: ['slave'],
        },
        {
          address: '10.0.0.1:6381',
          role: 'replica',
          reachable: true,
          linkStatus: 'up',
          offset: 4000,
          lagBytes: 1000,
          lagSeconds: 2,
          flags: ['slave'],
        },
      ],
      sentinels: [26379, 26380, 26381].map(port => ({
        address: `10.0.0.9:${port}`,
        reachable: true,
        master: '10.0.0.1:6379',
        masterFlags: ['master'],
        lastError: undefined,
        retryAt: undefined,
      })),
      quorum: {
        quorum: 2,
        usable: 3,
        ok: true,
        message: 'OK 3 usable Sentinels.',
      },
      sentinelsAgree: true,
      updatedAt: at.toISOString(),
    });
  });

  it('shows an unreachable sentinel with its error and retry time, and degrades', () => {
    const topology = assemble([
      sentinel(26379),
      sentinel(26380),
      {
        address: '10.0.0.9:26381',
        reachable: false,
        lastError: 'connect ECONNREFUSED 10.0.0.9:26381',
        retryAt: '2026-12-01T10:00:02.000Z',
      },
    ]);
    expect(topology.health).toBe('degraded');
    expect(topology.sentinels[2]).toEqual({
      address: '10.0.0.9:26381',
      reachable: false,
      master: undefined,
      masterFlags: undefined,
      lastError: 'connect ECONNREFUSED 10.0.0.9:26381',
      retryAt: '2026-12-01T10:00:02.000Z',
    });
    expect(topology.problems).toEqual([
      'sentinel 10.0.0.9:26381 is unreachable (connect ECONNREFUSED 10.0.0.9:26381)',
    ]);
  });

  it('reports sentinels that disagree on the master, going with the majority', () => {
    const topology = assemble([
      sentinel(26379),
      sentinel(26380, 6380),
      sentinel(26381),
    ]);
    expect(topology.sentinelsAgree).toBe(false);
    expect(topology.master?.address).toBe('10.0.0.1:6379');
    expect(topology.problems).toContain(
      'sentinels disagree on the master: 10.0.0.1:6379 (2), 10.0.0.1:6380 (1)',
    );
  });

  it('is down when no sentinel answers', () => {
    const topology = assemble(
      [26379, 26380].map(port => ({
        address: `10.0.0.9:${port}`,
        reachable: false,
        lastError: 'Connection is closed.',
      })),
    );
    expect(topology.health).toBe('down');
    expect(topology.master).toBeUndefined();
    expect(topology.problems).toContain('no sentinel answers for this master');
  });

  it('is down when the master is unreachable or objectively down', () => {
    const nodes = healthyNodes();
    nodes.set('10.0.0.1:6379', {
      reachable: false,
      error: 'connect ECONNREFUSED',
    });
    const unreachable = assemble([sentinel(26379)], nodes);
    expect(unreachable.health).toBe('down');
    expect(unreachable.problems).toContain(
      'master 10.0.0.1:6379 is unreachable (connect ECONNREFUSED)',
    );
    expect(unreachable.replicas[1].lagBytes).toBeUndefined();

    const odown = assemble([
      sentinel(26379, 6379, {
        master: masterRecord(6379, 's_down,o_down,master'),
      }),
    ]);
    expect(odown.health).toBe('down');
    expect(odown.problems).toContain(
      'master 10.0.0.1:6379 is objectively down',
    );
  });

  it('reports a replica that is down or not linked, taking the sentinel’s view when the node cannot be reached', () => {
    const nodes = healthyNodes();
    nodes.set('10.0.0.1:6380', replicaInfo(10, 'down'));
    nodes.delete('10.0.0.1:6381');
    const topology = assemble(
      [
        sentinel(26379, 6379, {
          replicas: [
            replicaRecord(6380),
            replicaRecord(6381, 's_down,slave,disconnected', 'err'),
          ],
        }),
      ],
      nodes,
    );
    expect(topology.health).toBe('degraded');
    expect(topology.replicas[1]).toMatchObject({
      address: '10.0.0.1:6381',
      role: 'replica',
      reachable: false,
      linkStatus: 'down',
      flags: ['s_down', 'slave', 'disconnected'],
    });
    expect(topology.problems).toEqual([
      'replica 10.0.0.1:6380 is not linked to the master',
      'replica 10.0.0.1:6381 is unreachable',
    ]);
  });

  it('reports a quorum that cannot be reached, and a master without replicas', () => {
    const noquorum = {
      ok: false,
      usable: 1,
      message: 'NOQUORUM 1 usable Sentinels.',
    };
    const topology = assemble([
      sentinel(26379, 6379, { quorum: noquorum, replicas: [] }),
    ]);
    expect(topology.quorum).toEqual({
      quorum: 2,
      usable: 1,
      ok: false,
      message: 'NOQUORUM 1 usable Sentinels.',
    });
    expect(topology.problems).toEqual([
      'quorum: NOQUORUM 1 usable Sentinels.',
      'the master has no replicas',
    ]);
  });

  it('reports a sentinel in TILT mode', () => {
    const topology = assemble([
      sentinel(26379, 6379, { tilt: true }),
      sentinel(26380),
    ]);
    expect(topology.health).toBe('degraded');
    expect(topology.problems).toEqual([
      'sentinel 10.0.0.9:26379 is in TILT mode and will not take part in a failover',
    ]);
  });

  it('reports a sentinel outside the configuration that most configured ones see down', () => {
    const peers = [{ ip: '10.0.0.7', port: '26379', flags: 's_down,sentinel' }];
    const topology = assemble([
      sentinel(26379, 6379, { peers }),
      sentinel(26380, 6379, { peers }),
    ]);
    expect(topology.problems).toEqual([
      'sentinel 10.0.0.7:26379 (not configured here) is down for 2 sentinel(s)',
    ]);
  });
});

describe('replicaLag', () => {
  const info = (extra: Record<string, string> = {}) => ({
    master_link_status: 'up',
    master_last_io_seconds_ago: '3',
    ...extra,
  });

  it('turns bytes behind into seconds with the master’s write rate', () => {
    expect(replicaLag(10_000, 7_500, info(), 1000)).toEqual({
      lagBytes: 2500,
      lagSeconds: 2.5,
    });
  });

  it('falls back to the time since the replica last heard from the master', () => {
    expect(replicaLag(10_000, 7_500, info(), undefined)).toEqual({
      lagBytes: 2500,
      lagSeconds: 3,
    });
  });

  it('is zero in sync, never negative, and the link-down time when the link is down', () => {
    expect(replicaLag(100, 100, info(), 1000)).toEqual({
      lagBytes: 0,
      lagSeconds: 0,
    });
    expect(replicaLag(100, 150, info(), 1000)).toEqual({
      lagBytes: 0,
      lagSeconds: 0,
    });
    expect(
      replicaLag(
        100,
        50,
        info({
          master_link_status: 'down',
          master_link_down_since_seconds: '42',
        }),
        1000,
      ),
    ).toEqual({ lagBytes: 50, lagSeconds: 42 });
    expect(replicaLag(undefined, 50, info(), 1000)).toEqual({});
  });
});

describe('agreedMaster and topologyDigest', () => {
  it('ignores unreachable sentinels in the vote', () => {
    expect(
      agreedMaster([sentinel(1), { ...sentinel(2, 6380), reachable: false }]),
    ).toEqual({
      address: '10.0.0.1:6379',
      agree: true,
      votes: [['10.0.0.1:6379', 1]],
    });
  });

  it('changes with roles and reachability, not with offsets and lag', () => {
    const polls = [sentinel(26379), sentinel(26380)];
    const before = topologyDigest(assemble(polls));
    const nodes = healthyNodes();
    nodes.set('10.0.0.1:6381', replicaInfo(4500));
    expect(topologyDigest(assemble(polls, nodes, 1000))).toBe(before);
    nodes.set('10.0.0.1:6381', { reachable: false });
    expect(topologyDigest(assemble(polls, nodes))).not.toBe(before);
  });

  it('does not change with the text of a repeated connection error', () => {
    const failing = (lastError: string) =>
      topologyDigest(
        assemble([
          sentinel(26379),
          { address: '10.0.0.9:26380', reachable: false, lastError },
        ]),
      );
    expect(failing('connect ECONNREFUSED')).toBe(
      failing('Connection is closed.'),
    );
  });
});
