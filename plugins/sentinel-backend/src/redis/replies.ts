/** `host:port`, the way the API and the failover records name a Redis node or a sentinel. */
export function addressOf(host: string, port: number | string): string {
  return `${host}:${port}`;
}

/** `SENTINEL MASTER`, `REPLICAS` and `SENTINELS` answer flat `[key, value, …]` arrays. */
export function toRecord(flat: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (!Array.isArray(flat)) return record;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    record[String(flat[i])] = String(flat[i + 1]);
  }
  return record;
}

export function toRecords(reply: unknown): Array<Record<string, string>> {
  return Array.isArray(reply) ? reply.map(toRecord) : [];
}

/** `INFO <section>`: `key:value` lines, `# Section` headers and blank lines. */
export function parseInfo(text: string): Record<string, string> {
  const info: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) info[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return info;
}

/** A number from a reply field; undefined when absent or not numeric. */
export function numberField(
  record: Record<string, string> | undefined,
  key: string,
): number | undefined {
  const value = record?.[key];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** `flags` of SENTINEL MASTER/REPLICAS/SENTINELS, e.g. `s_down,slave,disconnected`. */
export function flagsOf(record: Record<string, string> | undefined): string[] {
  return record?.flags ? record.flags.split(',').filter(Boolean) : [];
}

export interface CkquorumReply {
  ok: boolean;
  usable: number;
  message: string;
}

/**
 * `SENTINEL CKQUORUM` answers `OK 3 usable Sentinels. …` or fails with `NOQUORUM 1 usable Sentinels. …`;
 * both name the sentinels that can be reached.
 */
export function parseCkquorum(reply: unknown, failed: boolean): CkquorumReply {
  const message = String(reply).replace(/^(ReplyError|Error): /, '');
  const usable = Number(/(\d+) usable/.exec(message)?.[1] ?? 0);
  return { ok: !failed && message.startsWith('OK'), usable, message };
}
