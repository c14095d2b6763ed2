import { addressOf } from '../redis/replies';

/** An instance named in a Sentinel event: `<type> <name> <ip> <port> [@ <master-name> <master-ip> <master-port>]`. */
export interface EventInstance {
  type: 'master' | 'slave' | 'sentinel' | string;
  name: string;
  address: string;
  /** The master the instance belongs to, for replicas and sentinels; the instance itself for a master. */
  masterName: string;
  masterAddress: string;
}

/** One message of a sentinel's Pub/Sub event channels, as the monitor received it. */
export interface SentinelEvent {
  /** The channel, e.g. `+sdown`, `+switch-master`. */
  name: string;
  /** The sentinel that published it, `host:port` as configured. */
  sentinel: string;
  at: Date;
  raw: string;
  instance?: EventInstance;
  /** `+switch-master <master-name> <old-ip> <old-port> <new-ip> <new-port>`. */
  switchMaster?: { masterName: string; from: string; to: string };
  /** `+new-epoch <epoch>` and `+vote-for-leader <runid> <epoch>`. */
  epoch?: number;
}

function parseInstance(words: string[]): EventInstance | undefined {
  if (words.length < 4) return undefined;
  const [type, name, ip, port] = words;
  if (!/^\d+$/.test(port)) return undefined;
  const address = addressOf(ip, port);
  const at = words.indexOf('@', 4);
  if (at === 4 && words.length >= 8) {
    return {
      type,
      name,
      address,
      masterName: words[5],
      masterAddress: addressOf(words[6], words[7]),
    };
  }
  return { type, name, address, masterName: name, masterAddress: address };
}

/** Reads a Sentinel event message; messages it cannot read keep only their name and text. */
export function parseSentinelEvent(
  channel: string,
  message: string,
  sentinel: string,
  at: Date = new Date(),
): SentinelEvent {
  const event: SentinelEvent = { name: channel, sentinel, at, raw: message };
  const words = message.trim().split(/\s+/);
  switch (channel) {
    case '+switch-master':
      if (words.length >= 5) {
        event.switchMaster = {
          masterName: words[0],
          from: addressOf(words[1], words[2]),
          to: addressOf(words[3], words[4]),
        };
      }
      break;
    case '+new-epoch':
      event.epoch = Number(words[0]);
      break;
    case '+vote-for-leader':
      event.epoch = Number(words[1]);
      break;
    default:
      event.instance = parseInstance(words);
  }
  if (event.epoch !== undefined && !Number.isFinite(event.epoch)) {
    event.epoch = undefined;
  }
  return event;
}

/** The master an event is about, for filtering a shared sentinel's events down to one group. */
export function masterNameOf(event: SentinelEvent): string | undefined {
  return event.switchMaster?.masterName ?? event.instance?.masterName;
}
