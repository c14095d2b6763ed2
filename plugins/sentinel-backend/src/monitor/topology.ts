import type {
  GroupHealth,
  GroupTopology,
  QuorumStatus,
  RedisNodeView,
  SentinelView,
} from '@fleetdeck/plugin-sentinel-common';
import {
  addressOf,
  CkquorumReply,
  flagsOf,
  numberField,
} from '../redis/replies';

/** What one poll of one sentinel returned. */
export interface SentinelPoll {
  address: string;
  reachable: boolean;
  lastError?: string;
  retryAt?: string;
  /** `SENTINEL MASTER` */
  master?: Record<string, string>;
  /** `SENTINEL REPLICAS` */
  replicas?: Array<Record<string, string>>;
  /** `SENTINEL SENTINELS`: the other sentinels this one knows. */
  peers?: Array<Record<string, string>>;
  /** `SENTINEL CKQUORUM` */
  quorum?: CkquorumReply;
  /** `sentinel_tilt` of `INFO sentinel`: in TILT mode a sentinel only watches and does not act. */
  tilt?: boolean;
}

/** `INFO replication` of a master or replica, or why it could not be read. */
export interface NodeInfo {
  reachable: boolean;
  info?: Record<string, string>;
  error?: string;
}

export interface TopologyInput {
  group: string;
  masterName: string;
  sentinels: SentinelPoll[];
  nodes: Map<string, NodeInfo>;
  /** How fast the master's replication offset grows, bytes per second; turns byte lag into time. */
  masterWriteRate?: number;
  at: Date;
}

const masterAddressOf = (poll: SentinelPoll) =>
  poll.master?.ip && poll.master?.port
    ? addressOf(poll.master.ip, poll.master.port)
    : undefined;

/** The master most reachable sentinels name, and whether they all name it. */
export function agreedMaster(sentinels: SentinelPoll[]): {
  address?: string;
  agree: boolean;
  votes: Array<[string, number]>;
} {
  const counts = new Map<string, number>();
  for (const poll of sentinels) {
    const address = poll.reachable ? masterAddressOf(poll) : undefined;
    if (address) counts.set(address, (counts.get(address) ?? 0) + 1);
  }
  const votes = [...counts.entries()].sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
  );
  return { address: votes[0]?.[0], agree: votes.length <= 1, votes };
}

/**
 * A replica's lag: the master's replication offset minus the replica's, and that as time — bytes over the
 * master's write rate, or, with no writes to measure, how long the replica has heard nothing from the master.
 */
export function replicaLag(
  masterOffset: number | undefined,
  replicaOffset: number | undefined,
  replicaInfo: Record<string, string> | undefined,
  masterWriteRate: number | undefined,
): { lagBytes?: number; lagSeconds?: number } {
  if (masterOffset === undefined || replicaOffset === undefined) return {};
  const lagBytes = Math.max(0, masterOffset - replicaOffset);
  if (replicaInfo?.master_link_status === 'down') {
    const down = numberField(replicaInfo, 'master_link_down_since_seconds');
    return {
      lagBytes,
      lagSeconds: down !== undefined && down >= 0 ? down : undefined,
    };
  }
  if (lagBytes === 0) return { lagBytes, lagSeconds: 0 };
  if (masterWriteRate && masterWriteRate > 0) {
    return {
      lagBytes,
      lagSeconds: Math.round((lagBytes / masterWriteRate) * 1000) / 1000,
    };
  }
  const io = numberField(replicaInfo, 'master_last_io_seconds_ago');
  return { lagBytes, lagSeconds: io !== undefined && io >= 0 ? io : 0 };
}

function roleOf(info: Record<string, string> | undefined, reported?: string) {
  const role = info?.role ?? reported;
  if (role === 'master') return 'master' as const;
  if (role === 'slave') return 'replica' as const;
  return 'unknown' as const;
}

function quorumOf(
  sentinels: SentinelPoll[],
  quorum: number | undefined,
): QuorumStatus | undefined {
  const answers = sentinels.filter(s => s.reachable && s.quorum);
  if (answers.length === 0 || quorum === undefined) return undefined;
  const worst = answers
    .map(s => s.quorum!)
    .sort((a, b) => Number(a.ok) - Number(b.ok) || a.usable - b.usable)[0];
  return {
    quorum,
    usable: worst.usable,
    ok: answers.every(s => s.quorum!.ok),
    message: worst.message,
  };
}

/** A group's topology and health from one round of polls: the sentinels' view, checked against the nodes'. */
export function assembleTopology(input: TopologyInput): GroupTopology {
  const problems: string[] = [];
  let down = false;

  const sentinels: SentinelView[] = input.sentinels.map(poll => ({
    address: poll.address,
    reachable: poll.reachable,
    master: poll.reachable ? masterAddressOf(poll) : undefined,
    masterFlags:
      poll.reachable && poll.master ? flagsOf(poll.master) : undefined,
    lastError: poll.reachable ? undefined : poll.lastError,
    retryAt: poll.reachable ? undefined : poll.retryAt,
  }));
  const reachable = input.sentinels.filter(s => s.reachable && s.master);
  for (const view of sentinels.filter(s => !s.reachable)) {
    problems.push(
      `sentinel ${view.address} is unreachable${
        view.lastError ? ` (${view.lastError})` : ''
      }`,
    );
  }
  if (reachable.length === 0) {
    down = true;
    problems.push('no sentinel answers for this master');
  }

  for (const poll of reachable.filter(s => s.tilt)) {
    problems.push(
      `sentinel ${poll.address} is in TILT mode and will not take part in a failover`,
    );
  }

  const agreed = agreedMaster(input.sentinels);
  if (!agreed.agree) {
    problems.push(
      `sentinels disagree on the master: ${agreed.votes
        .map(([address, n]) => `${address} (${n})`)
        .join(', ')}`,
    );
  }
  const authority =
    reachable.find(s => masterAddressOf(s) === agreed.address) ?? reachable[0];

  const quorum = quorumOf(reachable, numberField(authority?.master, 'quorum'));
  if (quorum && !quorum.ok) problems.push(`quorum: ${quorum.message}`);

  let master: RedisNodeView | undefined;
  let masterOffset: number | undefined;
  if (agreed.address) {
    const node = input.nodes.get(agreed.address);
    const flags = flagsOf(authority?.master);
    masterOffset = numberField(node?.info, 'master_repl_offset');
    master = {
      address: agreed.address,
      role: roleOf(node?.info),
      reachable: node?.reachable ?? false,
      offset: masterOffset,
      flags,
    };
    if (!master.reachable) {
      down = true;
      problems.push(
        `master ${agreed.address} is unreachable${
          node?.error ? ` (${node.error})` : ''
        }`,
      );
    } else if (master.role !== 'master') {
      problems.push(`master ${agreed.address} reports the role ${master.role}`);
    }
    if (flags.includes('o_down')) {
      down = true;
      problems.push(`master ${agreed.address} is objectively down`);
    } else if (flags.includes('s_down')) {
      problems.push(`master ${agreed.address} is subjectively down`);
    }
  }

  const replicas: RedisNodeView[] = (authority?.replicas ?? []).map(record => {
    const address = addressOf(record.ip, record.port);
    const node = input.nodes.get(address);
    const reachableNode = node?.reachable ?? false;
    const offset = reachableNode
      ? numberField(node?.info, 'slave_repl_offset')
      : undefined;
    const linked = reachableNode
      ? node?.info?.master_link_status === 'up'
      : record['master-link-status'] === 'ok' &&
        !flagsOf(record).includes('s_down');
    const linkStatus: 'up' | 'down' = linked ? 'up' : 'down';
    return {
      address,
      role: roleOf(
        reachableNode ? node?.info : undefined,
        record['role-reported'],
      ),
      reachable: reachableNode,
      linkStatus,
      offset,
      ...replicaLag(
        masterOffset,
        offset,
        reachableNode ? node?.info : undefined,
        input.masterWriteRate,
      ),
      flags: flagsOf(record),
    };
  });
  if (authority && replicas.length === 0)
    problems.push('the master has no replicas');
  for (const replica of replicas) {
    if (!replica.reachable) {
      problems.push(`replica ${replica.address} is unreachable`);
    } else if (replica.linkStatus !== 'up') {
      problems.push(`replica ${replica.address} is not linked to the master`);
    }
  }

  // Sentinels outside the configuration count for the quorum too: say when most of ours see one down.
  const configured = new Set(input.sentinels.map(s => s.address));
  const peerDown = new Map<string, number>();
  for (const poll of reachable) {
    for (const peer of poll.peers ?? []) {
      const address = addressOf(peer.ip, peer.port);
      const flags = flagsOf(peer);
      if (
        !configured.has(address) &&
        (flags.includes('s_down') || flags.includes('o_down'))
      ) {
        peerDown.set(address, (peerDown.get(address) ?? 0) + 1);
      }
    }
  }
  for (const [address, n] of peerDown) {
    if (n * 2 > reachable.length) {
      problems.push(
        `sentinel ${address} (not configured here) is down for ${n} sentinel(s)`,
      );
    }
  }

  let health: GroupHealth = 'healthy';
  if (down) health = 'down';
  else if (problems.length > 0) health = 'degraded';

  return {
    group: input.group,
    masterName: input.masterName,
    health,
    problems,
    master,
    replicas,
    sentinels,
    quorum,
    sentinelsAgree: agreed.agree,
    updatedAt: input.at.toISOString(),
  };
}

/** What a topology signal is about: roles, reachability, links, health and problems; not offsets or lag, which move all the time. */
export function topologyDigest(topology: GroupTopology): string {
  const node = (n?: RedisNodeView) =>
    n && [n.address, n.role, n.reachable, n.linkStatus, n.flags?.join(',')];
  return JSON.stringify([
    topology.health,
    node(topology.master),
    topology.replicas.map(node),
    // Without the error texts in parentheses, which differ from one failed attempt to the next.
    topology.problems.map(p => p.replace(/ \(.*\)$/, '')),
    topology.sentinels.map(s => [
      s.address,
      s.reachable,
      s.master,
      s.masterFlags?.join(','),
    ]),
    topology.quorum?.ok,
    topology.quorum?.usable,
    topology.sentinelsAgree,
  ]);
}

/** A group before its first poll. */
export function unknownTopology(
  group: string,
  masterName: string,
  sentinels: string[],
  at: Date,
): GroupTopology {
  return {
    group,
    masterName,
    health: 'unknown',
    problems: ['not polled yet'],
    replicas: [],
    sentinels: sentinels.map(address => ({ address, reachable: false })),
    sentinelsAgree: true,
    updatedAt: at.toISOString(),
  };
}
