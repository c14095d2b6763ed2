export { GitLabSandbox } from './GitLabSandbox';
export type {
  GitLabSandboxOptions,
  MergedEvent,
  MergeRequestSummary,
  RequestLogEntry,
} from './GitLabSandbox';
export type { NewProject } from './ProjectDirectory';
export type { Fault } from './TrafficConditions';
