import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  CheckResult,
  Cluster,
  Wave,
  WaveCluster,
  WaveMergeRequest,
} from '@fleetdeck/plugin-upgrade-waves-common';
import type { GitLabMergeRequests, MergeRequest } from '../gitlab';
import type { WaveGitOps, WaveReport } from '../orchestrator/types';
import {
  MergeRequestFlow,
  rollbackBranch,
  rollbackTitle,
  upgradeBranch,
  upgradeTitle,
} from './MergeRequestFlow';

function percent(fraction: number) {
  return `${(fraction * 100).toFixed(2)} %`;
}

/** The MR description: clusters, pre-check results and the baseline, as GUARD's reviewers read them. */
export function mergeRequestDescription(
  kind: 'upgrade' | 'rollback',
  wave: Wave,
  clusters: Cluster[],
  report: WaveReport,
): string {
  const version =
    kind === 'upgrade' ? wave.targetVersion : wave.previousVersion;
  const lines = [
    kind === 'upgrade'
      ? `Upgrades Istio from ${wave.previousVersion} to **${version}** on batch \`${wave.batchId}\`.`
      : `Rolls Istio on batch \`${wave.batchId}\` back from ${wave.targetVersion} to **${version}**.`,
    '',
    `Opened by Fleetdeck upgrade wave \`${wave.id}\`, started by ${wave.createdBy}.`,
    kind === 'rollback' && wave.reason ? `\nWhy: ${wave.reason}` : '',
    '',
    '## Clusters',
    '',
    '| cluster | environment | region | files |',
    '| --- | --- | --- | --- |',
    ...clusters.map(
      c =>
        `| ${c.name} | ${c.environment} | ${c.region} | ${c.gitops.paths
          .map(p => `\`${p}\``)
          .join('<br>')} |`,
    ),
    '',
    '## Pre-checks',
    '',
    '| cluster | check | outcome | message |',
    '| --- | --- | --- | --- |',
    ...report.checks
      .filter(c => c.phase === 'pre')
      .map(
        (c: CheckResult) =>
          `| ${c.clusterId} | ${c.check} | ${c.outcome} | ${c.message.replace(
            /\|/g,
            '\\|',
          )} |`,
      ),
    '',
    '## Metric baseline',
    '',
    '| cluster | requests/s | error rate | p95 latency |',
    '| --- | --- | --- | --- |',
    ...report.clusters.map((c: WaveCluster) =>
      c.baseline
        ? `| ${c.name} | ${c.baseline.requestRate.toFixed(1)} | ${percent(
            c.baseline.errorRate,
          )} | ${c.baseline.latencyP95Ms.toFixed(0)} ms |`
        : `| ${c.name} | – | – | – |`,
    ),
    '',
    'Only `spec.chart.spec.version` of the Istio HelmReleases changes; Flux applies it after the merge.',
  ];
  return lines.join('\n');
}

function toWaveMergeRequest(
  mr: MergeRequest,
  from: WaveMergeRequest,
): WaveMergeRequest {
  return { ...from, state: mr.state, webUrl: mr.webUrl };
}

/** A wave's merge requests in GitLab: one per GitOps project of its clusters. */
export class GitLabWaveMergeRequests implements WaveGitOps {
  private readonly flow: MergeRequestFlow;

  constructor(
    private readonly gitlab: GitLabMergeRequests,
    logger: LoggerService,
  ) {
    this.flow = new MergeRequestFlow({ gitlab, logger });
  }

  async open(
    kind: 'upgrade' | 'rollback',
    wave: Wave,
    clusters: Cluster[],
    report: WaveReport,
  ): Promise<WaveMergeRequest[]> {
    const byProject = new Map<string, Cluster[]>();
    for (const c of clusters) {
      const list = byProject.get(c.gitops.project) ?? [];
      list.push(c);
      byProject.set(c.gitops.project, list);
    }
    const version =
      kind === 'upgrade' ? wave.targetVersion : wave.previousVersion;
    const opened: WaveMergeRequest[] = [];
    for (const [project, members] of byProject) {
      const title =
        kind === 'upgrade'
          ? upgradeTitle(version, wave.batchId)
          : rollbackTitle(version, wave.batchId);
      opened.push(
        await this.flow.openVersionChange({
          kind,
          project,
          baseBranch: members[0].gitops.branch,
          branch:
            kind === 'upgrade'
              ? upgradeBranch(version, wave.batchId)
              : rollbackBranch(version, wave.batchId),
          title,
          description: mergeRequestDescription(kind, wave, members, report),
          paths: members.flatMap(c => c.gitops.paths),
          version,
          commitMessage: `${title}\n\nFleetdeck upgrade wave ${
            wave.id
          }: ${members.map(c => c.name).join(', ')}`,
        }),
      );
    }
    return opened;
  }

  async merge(mr: WaveMergeRequest): Promise<WaveMergeRequest> {
    return toWaveMergeRequest(await this.flow.merge(mr.project, mr.iid), mr);
  }

  async close(mr: WaveMergeRequest): Promise<WaveMergeRequest> {
    return toWaveMergeRequest(await this.flow.close(mr.project, mr.iid), mr);
  }

  async refresh(mr: WaveMergeRequest): Promise<WaveMergeRequest> {
    return toWaveMergeRequest(
      await this.gitlab.getMergeRequest(mr.project, mr.iid),
      mr,
    );
  }
}
