import { formatDuration } from '@fleetdeck/frontend-common';

/** A duration that may be unknown (no observation yet). */
export function formatMaybeDuration(ms?: number): string {
  return ms === undefined ? '—' : formatDuration(ms);
}

/** A pod's age, coarse as `kubectl get pods` shows it: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A probability as a percentage: `3.4 %`, `< 0.1 %`. */
export function formatProbability(p: number): string {
  if (p > 0 && p < 0.001) return '< 0.1 %';
  return `${(p * 100).toFixed(1)} %`;
}

/** A rate of sessions per minute. */
export function formatRate(perMinute: number): string {
  return `${perMinute.toFixed(perMinute < 10 ? 2 : 1)} / min`;
}
