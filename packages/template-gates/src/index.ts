/**
 * The gates every Fleetdeck scaffolder template passes (see README.md): rendered by the real scaffolder, then
 * YAML, Kubernetes schemas, kustomize builds, the production rules of seed 000, generated Python and its tests,
 * and Helm values against the chart's schema.
 */
export { DryRunRenderer, RenderError } from './render/DryRunRenderer';
export type { Rendering } from './render/DryRunRenderer';
export {
  loadTemplateFolder,
  defaultValues,
  GATES_FILE,
} from './TemplateFolder';
export type { TemplateFolder, ValueSet } from './TemplateFolder';
export { repositoryRoot, templateFolderPaths } from './repository';
export { runGates, runGatesOn } from './gates/runGates';
export type { GateReport } from './gates/runGates';
export { formatFinding } from './gates/Finding';
export type { Finding, GateName } from './gates/Finding';
