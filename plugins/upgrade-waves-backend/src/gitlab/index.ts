export { GitLabMergeRequests } from './GitLabMergeRequests';
export type {
  DiffSummary,
  FileContent,
  GitLabMergeRequestsOptions,
  MergeRequest,
} from './GitLabMergeRequests';
export { GitLabRateLimiter } from './GitLabRateLimiter';
export type {
  GitLabRateLimiterOptions,
  LimiterClock,
} from './GitLabRateLimiter';
export { backoffDelay, parseRetryAfter, retry } from './retry';
export type { RetryDecision, RetryOptions } from './retry';
export {
  GitLabAccessError,
  requestFailure,
  retryableGitLabFailure,
  toGitLabError,
} from './errors';
export type { GitLabCallContext } from './errors';
export { createLimitedRequester } from './requester';
export type {
  GitbeakerRequesterFn,
  LimitedRequesterOptions,
} from './requester';
