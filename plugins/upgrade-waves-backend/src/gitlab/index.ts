export { GitLabMergeRequests } from './GitLabMergeRequests';
export type {
  DiffSummary,
  FileContent,
  GitLabCallOptions,
  GitLabMergeRequestsOptions,
  MergeRequest,
} from './GitLabMergeRequests';
export { GitLabRateLimiter, GitLabWaitError } from './GitLabRateLimiter';
export type {
  GitLabRateLimiterOptions,
  GitLabRequestLimiter,
  LimiterClock,
} from './GitLabRateLimiter';
export {
  databaseClock,
  SharedGitLabRateLimiter,
} from './SharedGitLabRateLimiter';
export type {
  SharedGitLabRateLimiterOptions,
  SharedLimiterClock,
} from './SharedGitLabRateLimiter';
export { backoffDelay, parseRetryAfter, retry } from './retry';
export type { RetryDecision, RetryOptions } from './retry';
export {
  GitLabAccessError,
  requestFailure,
  retryableGitLabFailure,
  toGitLabError,
} from './errors';
export type { GitLabCallContext } from './errors';
export { createLimitedRequester, withGitLabSignal } from './requester';
export type {
  GitbeakerRequesterFn,
  LimitedRequesterOptions,
} from './requester';
