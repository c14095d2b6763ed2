import { ApiResponse } from './prometheusApi';
import {
  LABEL_NAME,
  Labels,
  LabelMatcher,
  matchesAll,
  parseFilterMatcher,
} from './selectors';

/** Alertmanager's default `resolve_timeout`. */
const RESOLVE_TIMEOUT_MS = 5 * 60 * 1000;
const RECEIVER = 'default';

interface StoredAlert {
  labels: Labels;
  annotations: Labels;
  startsAt: number;
  /** Undefined while a script holds the alert firing (until `resolve`). */
  endsAt?: number;
  updatedAt: number;
  generatorURL: string;
}

const FNV_OFFSET = 14695981039346656037n;
const FNV_PRIME = 1099511628211n;
const MASK_64 = (1n << 64n) - 1n;

/**
 * Alertmanager's fingerprint: FNV-1a 64 over the sorted label names and
 * values, each followed by the 0xff separator, as 16 hex digits.
 */
export function fingerprint(labels: Labels): string {
  let hash = FNV_OFFSET;
  const add = (bytes: Iterable<number>) => {
    for (const byte of bytes) {
      hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK_64;
    }
  };
  for (const name of Object.keys(labels).sort()) {
    add(Buffer.from(name, 'utf8'));
    add([0xff]);
    add(Buffer.from(labels[name], 'utf8'));
    add([0xff]);
  }
  return hash.toString(16).padStart(16, '0');
}

/** A request go-swagger rejects before Alertmanager sees it. */
class SwaggerError extends Error {}

/** Query booleans as go-swagger reads them. */
function parseBool(params: URLSearchParams, name: string): boolean {
  const text = params.get(name);
  if (text === null) return true;
  const value = text.toLowerCase();
  if (['true', '1', 'yes', 'y', 'on', 'selected', 'checked'].includes(value))
    return true;
  if (['false', '0', 'no', 'n', 'off', ''].includes(value)) return false;
  throw new SwaggerError(
    `${name} in query must be of type boolean: ${JSON.stringify(text)}`,
  );
}

/**
 * Alertmanager's v2 alerts (`GET`/`POST /api/v2/alerts`) with one receiver,
 * no silences and no inhibitions, so every alert is `active`.
 */
export class AlertStore {
  private readonly alerts = new Map<string, StoredAlert>();

  /** Fires (or refreshes) an alert that stays firing until `resolve`. */
  fire(
    labels: Labels,
    annotations: Labels,
    generatorURL: string,
    now = Date.now(),
  ): void {
    this.upsert(
      { labels, annotations, generatorURL, startsAt: now, updatedAt: now },
      now,
    );
  }

  /** Ends every firing alert whose labels include `labels`. */
  resolve(labels: Labels, now = Date.now()): void {
    for (const alert of this.alerts.values()) {
      const matches = Object.entries(labels).every(
        ([k, v]) => alert.labels[k] === v,
      );
      if (matches && this.isFiring(alert, now)) {
        alert.endsAt = now;
        alert.updatedAt = now;
      }
    }
  }

  /**
   * Each alert's latest firing interval, for Prometheus' `ALERTS` series
   * (`endsAt` undefined while held firing).
   */
  firingIntervals(): Array<{
    labels: Labels;
    startsAt: number;
    endsAt?: number;
  }> {
    return [...this.alerts.values()].map(({ labels, startsAt, endsAt }) => ({
      labels,
      startsAt,
      endsAt,
    }));
  }

  /** `GET /api/v2/alerts` with `filter`, `receiver`, `active`, `silenced`, `inhibited`, `unprocessed`. */
  list(params: URLSearchParams, now = Date.now()): ApiResponse {
    let active: boolean;
    try {
      active = parseBool(params, 'active');
      // No silences, inhibitions or unprocessed alerts here, but the flags are still validated.
      parseBool(params, 'silenced');
      parseBool(params, 'inhibited');
      parseBool(params, 'unprocessed');
    } catch (error) {
      return {
        status: 400,
        body: { code: 602, message: (error as Error).message },
      };
    }
    let matchers: LabelMatcher[];
    let receiver: RegExp | undefined;
    try {
      matchers = params.getAll('filter').map(parseFilterMatcher);
      const receiverParam = params.get('receiver');
      receiver = receiverParam
        ? new RegExp(`^(?:${receiverParam})$`)
        : undefined;
    } catch (error) {
      // Alertmanager answers a bare JSON string here.
      return { status: 400, body: (error as Error).message };
    }
    if (!active || (receiver && !receiver.test(RECEIVER))) {
      return { status: 200, body: [] };
    }
    const body = [...this.alerts.values()]
      .filter(
        alert =>
          this.isFiring(alert, now) && matchesAll(alert.labels, matchers),
      )
      .map(alert => ({
        annotations: alert.annotations,
        // A held alert looks like one Prometheus keeps re-sending.
        endsAt: new Date(
          alert.endsAt ?? now + RESOLVE_TIMEOUT_MS,
        ).toISOString(),
        fingerprint: fingerprint(alert.labels),
        receivers: [{ name: RECEIVER }],
        startsAt: new Date(alert.startsAt).toISOString(),
        status: { inhibitedBy: [], silencedBy: [], state: 'active' },
        updatedAt: new Date(alert.updatedAt).toISOString(),
        generatorURL: alert.generatorURL,
        labels: alert.labels,
      }))
      .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));
    return { status: 200, body };
  }

  /** `POST /api/v2/alerts`: what Prometheus sends; alerts without `endsAt` resolve after 5 min. */
  post(payload: unknown, now = Date.now()): ApiResponse {
    if (!Array.isArray(payload)) {
      return {
        status: 400,
        body: { code: 400, message: 'alerts in body must be of type array' },
      };
    }
    const errors: string[] = [];
    const accepted: StoredAlert[] = [];
    for (const item of payload as Array<Record<string, unknown>>) {
      const labels = (item?.labels ?? undefined) as Labels | undefined;
      if (
        !labels ||
        typeof labels !== 'object' ||
        Object.keys(labels).length === 0
      ) {
        errors.push('at least one label pair required');
        continue;
      }
      const badName = Object.keys(labels).find(name => !LABEL_NAME.test(name));
      if (badName) {
        errors.push(`invalid name ${JSON.stringify(badName)}`);
        continue;
      }
      const time = (key: string) =>
        typeof item[key] === 'string' && item[key] !== ''
          ? Date.parse(item[key] as string)
          : undefined;
      let endsAt = time('endsAt');
      const startsAt = time('startsAt') ?? endsAt ?? now;
      endsAt ??= now + RESOLVE_TIMEOUT_MS;
      if (Number.isNaN(startsAt) || Number.isNaN(endsAt)) {
        errors.push('invalid startsAt or endsAt');
        continue;
      }
      if (endsAt < startsAt) {
        errors.push('start time must be before end time');
        continue;
      }
      accepted.push({
        labels: { ...labels },
        annotations: { ...((item.annotations as Labels | undefined) ?? {}) },
        startsAt,
        endsAt,
        updatedAt: now,
        generatorURL:
          typeof item.generatorURL === 'string' ? item.generatorURL : '',
      });
    }
    for (const alert of accepted) this.upsert(alert, now);
    if (errors.length > 0) {
      return { status: 400, body: errors.join(';') };
    }
    return { status: 200, body: undefined };
  }

  private isFiring(alert: StoredAlert, now: number): boolean {
    return alert.endsAt === undefined || alert.endsAt > now;
  }

  /** Like Alertmanager: an update of a firing alert keeps its original start. */
  private upsert(alert: StoredAlert, now: number) {
    const key = fingerprint(alert.labels);
    const existing = this.alerts.get(key);
    if (existing && this.isFiring(existing, now)) {
      alert.startsAt = Math.min(existing.startsAt, alert.startsAt);
    }
    this.alerts.set(key, alert);
  }
}
