export { PreCheckRunner } from './PreCheckRunner';
export type {
  PreCheckRunContext,
  PreCheckRunOptions,
  PreCheckRunOutcome,
  PreCheckRunnerOptions,
} from './PreCheckRunner';
export type { CheckContext, CheckReport, ClusterCheck } from './types';
