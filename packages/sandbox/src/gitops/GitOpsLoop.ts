import { parse } from 'yaml';
import type { GitLabSandbox } from '../gitlab';
import type { SandboxCluster } from '../kubernetes/SandboxCluster';
import { IstioReleasePaths } from './helmReleaseFiles';

export interface GitOpsBinding {
  cluster: SandboxCluster;
  projectPath: string;
  paths: IstioReleasePaths;
}

/**
 * Flux for the sandbox: each cluster follows its HelmRelease files on its GitOps project's default branch. When
 * a merge changes one of them, the cluster's istiod moves to the chart version of `istiod.yaml` after a delay —
 * or, when a test said so, the rollout fails and the HelmReleases report it.
 */
export class GitOpsLoop {
  private readonly failing = new Set<string>();
  /** Reconcile errors, newest last (what `flux get helmreleases` would show). */
  readonly errors: string[] = [];
  private unsubscribe?: () => void;

  constructor(
    private readonly gitlab: GitLabSandbox,
    private readonly bindings: GitOpsBinding[],
    private readonly options: { delayMs?: number } = {},
  ) {}

  start(): void {
    this.unsubscribe = this.gitlab.onMerge(event => {
      for (const b of this.bindings) {
        const touched = Object.values(b.paths).some(p =>
          event.changedFiles.includes(p),
        );
        if (b.projectPath === event.projectPath && touched) {
          try {
            this.reconcile(b);
          } catch (error) {
            // A file Flux cannot parse leaves the cluster where it is, as a failed reconcile does.
            this.errors.push(`${b.cluster.name}: ${error}`);
          }
        }
      }
    });
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** The next rollout on this cluster fails (Flux reports UpgradeFailed and istiod stays where it was). */
  failNextRollout(clusterName: string): void {
    this.failing.add(clusterName);
  }

  private reconcile(b: GitOpsBinding) {
    const text = this.gitlab.readFile(b.projectPath, b.paths.istiod);
    if (!text) return;
    const version = String(parse(text)?.spec?.chart?.spec?.version ?? '');
    if (!version || version === b.cluster.istioVersion()) return;
    const fail = this.failing.delete(b.cluster.name);
    b.cluster.rolloutIstio(version, {
      delayMs: this.options.delayMs ?? 2_000,
      fail,
    });
  }
}
