/**
 * Test helpers for Fleetdeck's frontend plugins: a signal API a test pushes messages through, and the error a
 * REST client throws for a backend error answer.
 *
 * @packageDocumentation
 */
export { fakeSignalApi } from './signals';
export type { FakeSignalApi } from './signals';
export { backendError } from './backendError';
