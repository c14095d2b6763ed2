/**
 * What Fleetdeck's frontend plugins share: live resources with their loading and error views, error messages, and
 * formatting.
 *
 * @packageDocumentation
 */
export { ButtonWithReason } from './components/ButtonWithReason';
export { ResourceView } from './components/ResourceView';
export { useResource } from './hooks/useResource';
export type { Resource } from './hooks/useResource';
export { useSignalChannel } from './hooks/useSignalChannel';
export {
  REFRESH_THROTTLE_MS,
  useThrottledRefresh,
} from './hooks/useThrottledRefresh';
export { describeError, isNotFound } from './errors';
export { formatDuration, formatTime } from './format';
export { installFixedSizeResizeObserver } from './testing';
