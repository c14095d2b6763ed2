export {
  assertChartVersion,
  HELM_RELEASE_API_VERSIONS,
  HelmReleaseEditor,
} from './HelmReleaseEditor';
export type { ChartVersionChange } from './HelmReleaseEditor';
export {
  MergeRequestFlow,
  rollbackBranch,
  rollbackTitle,
  upgradeBranch,
  upgradeTitle,
} from './MergeRequestFlow';
export type { VersionChange } from './MergeRequestFlow';
