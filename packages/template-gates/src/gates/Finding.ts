/** The gates, in the order they run on a rendering. */
export type GateName =
  | 'template'
  | 'yaml'
  | 'schema'
  | 'kustomize'
  | 'production'
  | 'python'
  | 'helm';

/** One broken rule: which gate, in which rendered file, on which object, and what is wrong. */
export interface Finding {
  gate: GateName;
  /** Path relative to the rendered project (or the template folder for the `template` gate). */
  file: string;
  /** `Kind/name` (with the container when the rule is per container), when the rule is about an object. */
  object?: string;
  /** A short stable name of the rule, e.g. `image-pinned`, `probes`, `pdb`. */
  rule: string;
  message: string;
}

export function formatFinding(finding: Finding): string {
  const where = finding.object
    ? `${finding.file} ${finding.object}`
    : finding.file;
  return `[${finding.gate}/${finding.rule}] ${where}: ${finding.message}`;
}
