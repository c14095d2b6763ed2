/**
 * Fleetdeck warm pools backend: pools tracked from one pod watch per cluster, their history, sizing advice,
 * signals on change, and terminating a session's pod.
 *
 * @packageDocumentation
 */
export { warmPoolsPlugin as default } from './plugin';
export * from './tracker';
export { adviseSize } from './sizing/sizingAdvice';
