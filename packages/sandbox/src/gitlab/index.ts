export { GitLabSandbox } from './GitLabSandbox';
export type {
  GitLabSandboxOptions,
  MergedEvent,
  MergeRequestSummary,
  RequestLogEntry,
} from './GitLabSandbox';
export type { NewProject, Visibility } from './ProjectDirectory';
export type { CountedFault, Fault, ProbableFault } from './TrafficConditions';
