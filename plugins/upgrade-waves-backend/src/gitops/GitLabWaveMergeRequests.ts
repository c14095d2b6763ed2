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
import { gitlabLines, gitlabText } from './gitlabText';
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

/** One row of a Markdown table, every cell escaped so that it stays one cell and one line. */
function row(cells: string[]): string {
  return `| ${cells.map(gitlabText).join(' | ')} |`;
}

/**
 * The MR description: clusters, pre-check results and the baseline, as GUARD's reviewers read them. Every
 * text that comes from a person or a cluster goes through {@link gitlabText}, so none of it becomes a quick
 * action, a mention, a reference, a link or HTML in GitLab.
 */
export function mergeRequestDescription(
  kind: 'upgrade' | 'rollback',
  wave: Wave,
  clusters: Cluster[],
  report: WaveReport,
): string {
  const text = gitlabText;
  const version =
    kind === 'upgrade' ? wave.targetVersion : wave.previousVersion;
  const lines = [
    kind === 'upgrade'
      ? `Upgrades Istio from ${text(wave.previousVersion)} to **${text(
          version,
        )}** on batch **${text(wave.batchId)}**.`
      : `Rolls Istio on batch **${text(wave.batchId)}** back from ${text(
          wave.targetVersion,
        )} to **${text(version)}**.`,
    '',
    `Opened by Fleetdeck upgrade wave ${text(wave.id)}, started by ${text(
      wave.createdBy,
    )}.`,
    // The reason keeps its lines, each quoted and escaped on its own.
    ...(kind === 'rollback' && wave.reason
      ? ['', 'Why:', '', ...gitlabLines(wave.reason).map(line => `> ${line}`)]
      : []),
    '',
    '## Clusters',
    '',
    '| cluster | environment | region | files |',
    '| --- | --- | --- | --- |',
    ...clusters.map(
      c =>
        `| ${text(c.name)} | ${text(c.environment)} | ${text(
          c.region,
        )} | ${c.gitops.paths.map(text).join('<br>')} |`,
    ),
    '',
    '## Pre-checks',
    '',
    '| cluster | check | outcome | message |',
    '| --- | --- | --- | --- |',
    ...report.checks
      .filter(c => c.phase === 'pre')
      .map((c: CheckResult) =>
        row([c.clusterId, c.check, c.outcome, c.message]),
      ),
    '',
    '## Metric baseline',
    '',
    '| cluster | requests/s | error rate | p95 latency |',
    '| --- | --- | --- | --- |',
    ...report.clusters.map((c: WaveCluster) =>
      c.baseline
        ? row([
            c.name,
            c.baseline.requestRate.toFixed(1),
            percent(c.baseline.errorRate),
            `${c.baseline.latencyP95Ms.toFixed(0)} ms`,
          ])
        : row([c.name, '–', '–', '–']),
    ),
    '',
    'Only `spec.chart.spec.version` of the Istio HelmReleases changes; Flux applies it after the merge.',
  ];
  return lines.join('\n');
}

/** The commit message: the title, then the wave and its clusters, escaped as the description is. */
export function mergeRequestCommitMessage(
  title: string,
  wave: Wave,
  clusters: Cluster[],
): string {
  return `${title}\n\nFleetdeck upgrade wave ${gitlabText(wave.id)}: ${clusters
    .map(c => gitlabText(c.name))
    .join(', ')}`;
}

function toWaveMergeRequest(
  mr: MergeRequest,
  from: WaveMergeRequest,
): WaveMergeRequest {
  return {
    ...from,
    state: mr.state,
    webUrl: mr.webUrl,
    ...(mr.mergedBy ? { mergedBy: mr.mergedBy } : {}),
    ...(mr.closedBy ? { closedBy: mr.closedBy } : {}),
  };
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
          commitMessage: mergeRequestCommitMessage(title, wave, members),
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

  async find(
    kind: 'upgrade' | 'rollback',
    wave: Wave,
    clusters: Cluster[],
  ): Promise<WaveMergeRequest[]> {
    const version =
      kind === 'upgrade' ? wave.targetVersion : wave.previousVersion;
    const branch =
      kind === 'upgrade'
        ? upgradeBranch(version, wave.batchId)
        : rollbackBranch(version, wave.batchId);
    const found: WaveMergeRequest[] = [];
    for (const project of new Set(clusters.map(c => c.gitops.project))) {
      // A merged or closed one may be an earlier wave's (branch names repeat): the caller tells them apart.
      const open = await this.gitlab.findOpenMergeRequest(project, branch);
      const latest = open
        ? [open]
        : [
            await this.gitlab.findMergedMergeRequest(project, branch),
            await this.gitlab.findClosedMergeRequest(project, branch),
          ];
      for (const mr of latest) {
        if (!mr) continue;
        found.push(
          toWaveMergeRequest(mr, {
            kind,
            project,
            iid: mr.iid,
            webUrl: mr.webUrl,
            branch: mr.sourceBranch,
            title: mr.title,
            state: mr.state,
          }),
        );
      }
    }
    return found;
  }

  async refresh(mr: WaveMergeRequest): Promise<WaveMergeRequest> {
    return toWaveMergeRequest(
      await this.gitlab.getMergeRequest(mr.project, mr.iid),
      mr,
    );
  }
}
