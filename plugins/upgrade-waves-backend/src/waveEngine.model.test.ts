/*
 * A model-based test of the wave engine (fast-check `fc.commands`): random interleavings of what people, GitLab and
 * the machines do, with the engine's promises checked after every step.
 *
 * Real parts: the WaveStore and the cluster registry on PostgreSQL (and SQLite), the REST router (with mock auth),
 * UpgradeWavesService, WaveOrchestrator, the GitLab client (@gitbeaker/rest through GitLabMergeRequests) and
 * GitLabWaveMergeRequests against the sandbox GitLab. Modelled: the clusters — each cluster's istiod runs the chart
 * version of its HelmRelease on the GitOps project's default branch, as Flux makes it; the pre-checks read that
 * version (and an alert switch), the post-checks compare it with the target (and a regression switch).
 *
 * Crashes: a replica "killed -9" stops dead at a chosen point — right after a GitLab write returned (before the
 * transition that records it) or right after a transition committed (before its effects and signals) — and never
 * touches the database again, so its claim is left to run out; a restarted replica is a new process (new owner).
 * Time passing (claims running out) is the ExpireClaims command. Replicas race each other and people's actions in
 * the Race command (Promise.all).
 *
 * FLEETDECK_MODEL_RUNS sets the number of sequences per database (see `yarn test:model --runs N`); a failure prints
 * the seed and the path to replay it.
 */
import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import type {
  Cluster,
  WaveDetail,
  WaveStatus,
} from '@fleetdeck/plugin-upgrade-waves-common';
import { TERMINAL_WAVE_STATUSES } from '@fleetdeck/plugin-upgrade-waves-common';
import {
  GitLabSandbox,
  istioReleaseFiles,
  istioReleasePaths,
} from '@fleetdeck/sandbox';
import { Gitlab } from '@gitbeaker/rest';
import express from 'express';
import fc from 'fast-check';
import knexFactory, { Knex } from 'knex';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { applyMigrations } from './database/migrations';
import { GitLabMergeRequests } from './gitlab';
import { GitLabWaveMergeRequests } from './gitops/GitLabWaveMergeRequests';
import type {
  WaveChecks,
  WaveGitOps,
  WaveNotifier,
  WaveRollout,
} from './orchestrator/types';
import { WaveOrchestrator } from './orchestrator/WaveOrchestrator';
import { WaveStore } from './orchestrator/WaveStore';
import { DatabaseClusterRegistry } from './registry';
import { BlastRadius } from './service/BlastRadius';
import { createRouter } from './service/router';
import { UpgradeWavesService } from './service/UpgradeWavesService';

const RUNS = Number(process.env.FLEETDECK_MODEL_RUNS ?? 0);
// long runs (yarn test:model --runs N) get the time they need: about half a second a sequence
jest.setTimeout(Math.max(20 * 60_000, RUNS * 2_000));
const PREVIOUS = '1.22.3';
const ISTIOD_TIMEOUT_SECONDS = 1;
const TARGET = '1.23.0';
const ADA = 'user:default/ada';
const GRACE = 'user:default/grace';
const PEOPLE = [ADA, GRACE] as const;
type Caller = (typeof PEOPLE)[number] | 'service';

class Crash extends Error {
  constructor() {
    super('killed -9');
    this.name = 'Crash';
  }
}

/** What the run saw, printed at the end: how much each thing happened. */
const figures = {
  database: '',
  sequences: 0,
  steps: 0,
  kills: 0,
  faults: 0,
  gitlabActions: 0,
  races: 0,
  waves: 0,
  outcomes: {} as Record<string, number>,
};

const silentLogger = mockServices.logger.mock();

/** The chart version of a cluster's istiod HelmRelease on the project's default branch: what Flux runs. */
function runningVersion(
  gitlab: GitLabSandbox,
  project: string,
  cluster: string,
) {
  const text =
    gitlab.readFile(project, istioReleasePaths(cluster).istiod) ?? '';
  return /version:\s*"([^"]+)"/.exec(text)?.[1];
}

interface Replica {
  orchestrator: WaveOrchestrator;
  dead: boolean;
  /** Where the next crash comes: after a GitLab write returned, or after a transition committed. */
  armed?: 'after-gitlab-write' | 'after-commit';
}

/** One sequence's world: its own GitOps project, batch and clusters, two replicas, people and GitLab. */
class World {
  readonly replicas: Replica[] = [];
  readonly store: WaveStore;
  readonly service: UpgradeWavesService;
  readonly app: express.Express;
  readonly project: string;
  readonly batchId: string;
  readonly clusters: string[];
  readonly waves: string[] = [];
  alert = false;
  regress = false;
  /** Versions seen on the default branch when each wave was first seen settled. */
  readonly settled = new Map<string, string>();
  readonly log: string[] = [];
  private readonly person: Gitlab;
  private readonly gitops: WaveGitOps;
  private readonly checks: WaveChecks;
  private readonly rollout: WaveRollout;
  private readonly notifier: WaveNotifier;

  constructor(
    readonly n: number,
    readonly knex: Knex,
    readonly gitlab: GitLabSandbox,
    readonly registry: DatabaseClusterRegistry,
    client: GitLabMergeRequests,
    personToken: string,
  ) {
    this.project = `platform/gitops-m${n}`;
    this.batchId = `m${n}`;
    this.clusters = [`m${n}-a`, `m${n}-b`];
    this.store = new WaveStore(knex);
    this.gitops = new GitLabWaveMergeRequests(client, silentLogger);
    this.person = new Gitlab({ host: gitlab.url, token: personToken });
    const versionOf = (c: Cluster) =>
      runningVersion(gitlab, this.project, c.name);
    this.checks = {
      pre: async (wave, clusters, done) => {
        let halted = false;
        for (const c of clusters) {
          const version = versionOf(c);
          const ok = !this.alert && version === wave.previousVersion;
          const at = new Date().toISOString();
          await done(
            c.clusterId,
            [
              {
                clusterId: c.clusterId,
                check: 'istiod',
                phase: 'pre',
                outcome: ok ? 'passed' : 'failed',
                message: ok
                  ? `istiod on ${version}`
                  : `istiod on ${version}${this.alert ? ', alert firing' : ''}`,
                durationMs: 1,
                at,
              },
            ],
            { requestRate: 10, errorRate: 0, latencyP95Ms: 50, at },
          );
          if (!ok) {
            halted = true;
            break;
          }
        }
        return { halted };
      },
      post: async (_wave, clusters, _baselines, expected, done) => {
        for (const c of clusters) {
          const version = versionOf(c);
          const ok = !this.regress && version === expected;
          await done(c.clusterId, [
            {
              clusterId: c.clusterId,
              check: 'istio-proxies',
              phase: 'post',
              outcome: ok ? 'passed' : 'failed',
              message: ok
                ? `proxies on ${version}`
                : `istiod on ${version}, regressed: ${this.regress}`,
              durationMs: 1,
              at: new Date().toISOString(),
            },
          ]);
        }
      },
    };
    this.rollout = {
      istiod: async c => ({ version: versionOf(c), ready: true }),
      restart: async () => ({ done: 1, total: 1 }),
      unsettledPods: async () => 0,
    };
    const quiet = async () => {};
    this.notifier = {
      transitioned: quiet,
      awaitingApproval: quiet,
      started: quiet,
      failed: quiet,
      rolledBack: quiet,
      needsAttention: quiet,
    };
    this.replicas.push(this.newReplica(0), this.newReplica(1));
    this.service = new UpgradeWavesService({
      registry,
      // the model registers no clusters through the service
      clusterAccess: { accessProblem: () => undefined },
      store: this.store,
      // the web side of a live process: a person's rollback goes through the store directly
      orchestrator: new WaveOrchestrator(
        this.store,
        this.dependencies(this.gitops),
      ),
      blastRadius: { of: async () => [] } as unknown as BlastRadius,
      notifier: this.notifier,
      settings: {
        batchOrder: [this.batchId],
        soakSeconds: {},
        defaultSoakSeconds: 0,
        thresholds: {
          maxErrorRateIncrease: 0.01,
          maxLatencyIncreasePercent: 20,
          minRequestRate: 1,
        },
        allowSelfApproval: false,
      },
      kick: () => {},
    });
    this.app = express();
    this.app.use(
      createRouter({
        service: this.service,
        httpAuth: mockServices.httpAuth(),
        permissions: mockServices.permissions(),
      }),
    );
    this.app.use(
      MiddlewareFactory.create({
        config: new ConfigReader({}),
        logger: silentLogger,
      }).error(),
    );
  }

  async setUp() {
    const files: Record<string, string> = {};
    for (const c of this.clusters) {
      Object.assign(files, istioReleaseFiles(c, PREVIOUS));
    }
    this.gitlab.createProject({
      path: this.project,
      defaultBranch: 'main',
      files,
    });
    for (const name of this.clusters) {
      const paths = istioReleasePaths(name);
      await this.registry.put({
        clusterId: name,
        name,
        batchId: this.batchId,
        environment: 'test',
        region: 'eu-west-1',
        access: {},
        gitops: {
          project: this.project,
          paths: [paths.base, paths.istiod, paths.gateway],
        },
        istioVersion: PREVIOUS,
        owners: ['group:default/platform'],
        status: 'HEALTHY',
      });
    }
  }

  /** A replica (a backend process): its own orchestrator and owner; crashes where it is armed to. */
  newReplica(index: number): Replica {
    const replica: Replica = { dead: false } as Replica;
    const log = this.log;
    const crashable = <T extends object>(
      target: T,
      after: 'after-gitlab-write' | 'after-commit',
      writes: string[],
    ): T =>
      new Proxy(target, {
        get(obj, prop, receiver) {
          const value = Reflect.get(obj, prop, receiver);
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            if (replica.dead) throw new Crash();
            const result = await value.apply(obj, args);
            if (replica.armed === after && writes.includes(String(prop))) {
              replica.dead = true;
              replica.armed = undefined;
              figures.kills++;
              log.push(`  replica ${index} killed after ${String(prop)}`);
              throw new Crash();
            }
            if (replica.dead) throw new Crash();
            return result;
          };
        },
      });
    const store = crashable(this.store, 'after-commit', ['transition']);
    const gitops = crashable(this.gitops, 'after-gitlab-write', [
      'open',
      'merge',
      'close',
    ]);
    replica.orchestrator = new WaveOrchestrator(
      store,
      this.dependencies(gitops),
      `replica-${this.n}-${index}-${Math.random().toString(36).slice(2)}`,
    );
    return replica;
  }

  private dependencies(gitops: WaveGitOps) {
    return {
      registry: this.registry,
      checks: this.checks,
      gitops,
      rollout: this.rollout,
      notifier: this.notifier,
      logger: silentLogger,
      options: {
        mergeMode: 'auto' as const,
        autoMergeRollback: true,
        // istiod that never reaches the target (a manual revert after the merge) rolls the wave back after this
        istiodTimeoutSeconds: ISTIOD_TIMEOUT_SECONDS,
        attentionAfterFailures: 3,
      },
    };
  }

  async tick(index: number) {
    const replica = this.replicas[index];
    if (replica.dead) return;
    await replica.orchestrator.tick({ leaseMs: 60_000, budgetMs: 20_000 });
  }

  restart(index: number) {
    this.replicas[index] = this.newReplica(index);
  }

  /** Time passes beyond every claim (a dead replica's included). */
  async expireClaims() {
    await this.knex('upgrade_waves_waves')
      .whereIn('id', this.waves)
      .update({ lease_expires_at: '1970-01-01T00:00:00.000Z' });
  }

  async http(
    caller: Caller,
    method: 'get' | 'post',
    path: string,
    body?: object,
  ) {
    const header =
      caller === 'service'
        ? mockCredentials.service.header()
        : mockCredentials.user.header(caller);
    const req = request(this.app)[method](path).set('Authorization', header);
    const res = await (body ? req.send(body) : req);
    if (res.status >= 500) {
      throw new Error(
        `${method.toUpperCase()} ${path} → ${res.status}: ${JSON.stringify(
          res.body,
        )}`,
      );
    }
    return res;
  }

  async latestWave(): Promise<WaveDetail | undefined> {
    const id = this.waves[this.waves.length - 1];
    return id ? this.store.detail(id) : undefined;
  }

  async openUpgradeMr() {
    return this.gitlab
      .listMergeRequests(this.project)
      .find(
        mr => mr.state === 'opened' && mr.sourceBranch.startsWith('feature/'),
      );
  }

  async personAct(what: 'merge' | 'close' | 'draft' | 'undraft' | 'approve') {
    const mr = await this.openUpgradeMr();
    if (!mr) return;
    figures.gitlabActions++;
    try {
      switch (what) {
        case 'merge':
          await this.person.MergeRequests.merge(this.project, mr.iid);
          break;
        case 'close':
          await this.person.MergeRequests.edit(this.project, mr.iid, {
            stateEvent: 'close',
          });
          break;
        case 'draft':
          await this.person.MergeRequests.edit(this.project, mr.iid, {
            title: `Draft: ${mr.title.replace(/^Draft:\s*/i, '')}`,
          });
          break;
        case 'undraft':
          await this.person.MergeRequests.edit(this.project, mr.iid, {
            title: mr.title.replace(/^Draft:\s*/i, ''),
          });
          break;
        default:
          await this.person.MergeRequestApprovals.approve(this.project, mr.iid);
      }
    } catch {
      // GitLab refused the person (a draft can't be merged, an approval twice): people get refused too
    }
  }

  /** Someone reverts the default branch to the previous version by hand (a manual revert). */
  manualRevert() {
    figures.gitlabActions++;
    const files: Record<string, string> = {};
    for (const c of this.clusters)
      Object.assign(files, istioReleaseFiles(c, PREVIOUS));
    this.gitlab.pushFiles(this.project, {
      branch: 'main',
      files,
      message: 'Revert Istio by hand',
    });
  }
}

/** The engine's promises, checked after every step. */
async function checkInvariants(world: World) {
  const mrs = world.gitlab.listMergeRequests(world.project);
  const work = new Set((await world.store.listWork()).map(w => w.id));
  for (const id of world.waves) {
    const wave = await world.store.detail(id);
    const branch = `feature/istio-${wave.targetVersion}-${wave.batchId}`;
    const started = world.waves.length;
    // never two upgrade merge requests for one wave
    const upgradeMrs = mrs.filter(m => m.sourceBranch === branch);
    if (upgradeMrs.length > started) {
      throw new Error(
        `${upgradeMrs.length} merge requests from ${branch} for ${started} waves`,
      );
    }
    // no merge by Fleetdeck without an approval by someone other than the starter
    const recorded = wave.mergeRequests.filter(m => m.kind === 'upgrade');
    for (const mr of upgradeMrs) {
      if (mr.state !== 'merged' || mr.mergedBy !== 'fleetdeck-bot') continue;
      if (!recorded.some(r => r.iid === mr.iid)) continue; // another wave's
      const decision = wave.decision;
      if (
        decision?.decision !== 'approved' ||
        decision.by.toLowerCase() === wave.createdBy.toLowerCase()
      ) {
        throw new Error(
          `wave ${id}: merge request !${
            mr.iid
          } merged by Fleetdeck with decision ${JSON.stringify(
            decision,
          )} (started by ${wave.createdBy})`,
        );
      }
      const approvedEvent = wave.events.find(
        e => e.type === 'approved' && e.actor === decision.by,
      );
      if (!approvedEvent)
        throw new Error(
          `wave ${id}: no audit entry for the approval by ${decision.by}`,
        );
    }
    // a finished wave's state is what the clusters run: checked when it ends (a cancelled one once its merge
    // request is closed, since someone may still merge it first and turn it into a rollback)
    const ended =
      TERMINAL_WAVE_STATUSES.includes(wave.status) &&
      (wave.status !== 'CANCELLED' || !work.has(id));
    if (ended && !world.settled.has(id)) {
      const running = world.clusters.map(c =>
        runningVersion(world.gitlab, world.project, c),
      );
      world.settled.set(id, running.join(','));
      const expected =
        wave.status === 'SUCCEEDED' ? wave.targetVersion : wave.previousVersion;
      if (running.some(v => v !== expected)) {
        throw new Error(
          `wave ${id} shows ${
            wave.status
          } while the clusters run ${running.join(
            ', ',
          )} (expected ${expected})`,
        );
      }
    }
    // the audit log names a user or the orchestrator for every entry
    for (const e of wave.events) {
      if (!/^(user:default\/|fleetdeck:orchestrator|gitlab:)/.test(e.actor)) {
        throw new Error(
          `wave ${id}: audit entry without a user: ${JSON.stringify(e)}`,
        );
      }
    }
  }
}

type Cmd = fc.AsyncCommand<object, World>;

function command(name: string, run: (w: World) => Promise<void>): Cmd {
  return {
    check: () => true,
    async run(_model, world) {
      figures.steps++;
      world.log.push(name);
      await run(world);
      await checkInvariants(world);
    },
    toString: () => name,
  };
}

const ACTIONS = [
  'approve',
  'reject',
  'cancel',
  'pause',
  'resume',
  'rollback',
  'retry',
] as const;
type Action = (typeof ACTIONS)[number];
const AUDIT_TYPE: Record<Action, string> = {
  approve: 'approved',
  reject: 'rejected',
  cancel: 'cancelled',
  pause: 'paused',
  resume: 'resumed',
  rollback: 'wave-status',
  retry: 'retried',
};

async function act(world: World, caller: Caller, action: Action) {
  const wave = await world.latestWave();
  if (!wave) return;
  const res = await world.http(caller, 'post', `/waves/${wave.id}/${action}`, {
    comment: `${action} by ${caller}`,
  });
  if (caller === 'service' && res.status !== 403) {
    throw new Error(`a service token ${action} got ${res.status}, not 403`);
  }
  if (action === 'approve' && caller === wave.createdBy && res.status === 200) {
    throw new Error('the starter approved their own wave');
  }
  if (res.status === 200) {
    const events = await world.store.events(wave.id);
    if (
      !events.some(e => e.type === AUDIT_TYPE[action] && e.actor === caller)
    ) {
      throw new Error(
        `${action} by ${caller} answered 200 but is not in the audit log`,
      );
    }
  } else if (![403, 409].includes(res.status)) {
    throw new Error(
      `${action} by ${caller} answered ${res.status}: ${JSON.stringify(
        res.body,
      )}`,
    );
  }
}

const caller = fc.constantFrom<Caller>(ADA, GRACE, GRACE, 'service');

async function startWave(w: World, by: Caller) {
  const res = await w.http(by, 'post', '/waves', {
    batchId: w.batchId,
    targetVersion: TARGET,
    soakSeconds: 0,
  });
  if (res.status === 201) {
    w.waves.push(res.body.id);
    figures.waves++;
  } else if (
    by === 'service' ? res.status !== 403 : ![400, 409].includes(res.status)
  ) {
    throw new Error(
      `start by ${by} answered ${res.status}: ${JSON.stringify(res.body)}`,
    );
  }
}

const commands: fc.Arbitrary<Cmd>[] = [
  fc
    .constantFrom(ADA, GRACE)
    .map(by => command(`start by ${by}`, w => startWave(w, by))),
  // the approval by the other person, more often than the rest: most waves should get past it
  fc.constant(
    command('approve by the one who did not start it', async w => {
      const wave = await w.latestWave();
      if (wave) await act(w, wave.createdBy === ADA ? GRACE : ADA, 'approve');
    }),
  ),
  fc
    .tuple(caller, fc.constantFrom(...ACTIONS))
    .map(([c, a]) => command(`${a} by ${c}`, w => act(w, c, a))),
  fc.constantFrom(0, 1).map(i => command(`tick replica ${i}`, w => w.tick(i))),
  fc.constantFrom(0, 1).map(i => command(`tick replica ${i}`, w => w.tick(i))),
  fc.constantFrom(0, 1).map(i => command(`tick replica ${i}`, w => w.tick(i))),
  // a person's action lands while both replicas work, GitLab slow enough that it lands mid-step
  fc
    .tuple(
      caller,
      fc.constantFrom<Action>(
        'approve',
        'cancel',
        'cancel',
        'reject',
        'rollback',
        'pause',
      ),
      fc.integer({ min: 0, max: 40 }),
    )
    .map(([c, a, latencyMs]) =>
      command(
        `race: both replicas tick while ${c} does ${a} (GitLab +${latencyMs} ms)`,
        async w => {
          figures.races++;
          w.gitlab.setLatency(latencyMs);
          try {
            await Promise.all([
              w.tick(0),
              w.tick(1),
              new Promise(r => setTimeout(r, latencyMs / 2)).then(() =>
                act(w, c, a),
              ),
            ]);
          } finally {
            w.gitlab.setLatency(0);
          }
        },
      ),
    ),
  fc
    .constantFrom(ADA, GRACE)
    .map(c => command(`cancel by ${c}`, w => act(w, c, 'cancel'))),
  fc.constant(command('a person in GitLab: merge', w => w.personAct('merge'))),
  fc
    .tuple(
      fc.constantFrom(0, 1),
      fc.constantFrom<'after-gitlab-write' | 'after-commit'>(
        'after-gitlab-write',
        'after-commit',
      ),
    )
    .map(([i, where]) =>
      command(
        `kill -9 replica ${i} at its next ${where}, then tick it`,
        async w => {
          // armed until it fires: the kill lands at this replica's next GitLab write or commit, whenever that is
          w.replicas[i].armed = where;
          await w.tick(i);
        },
      ),
    ),
  fc
    .constantFrom(0, 1)
    .map(i => command(`restart replica ${i}`, async w => w.restart(i))),
  fc.constant(command('time passes: claims run out', w => w.expireClaims())),
  fc
    .constantFrom<'merge' | 'close' | 'draft' | 'undraft' | 'approve'>(
      'merge',
      'close',
      'draft',
      'undraft',
      'approve',
    )
    .map(what =>
      command(`a person in GitLab: ${what}`, w => w.personAct(what)),
    ),
  fc.constant(
    command('a person reverts main by hand', async w => w.manualRevert()),
  ),
  fc
    .constantFrom(
      {
        status: 500 as const,
        afterHandling: true,
        method: 'PUT',
        pathPattern: /merge$/,
      },
      {
        status: 502 as const,
        afterHandling: true,
        method: 'POST',
        pathPattern: /merge_requests$/,
      },
      {
        status: 500 as const,
        afterHandling: true,
        method: 'POST',
        pathPattern: /repository\/commits$/,
      },
      {
        status: 500 as const,
        afterHandling: false,
        method: 'PUT',
        pathPattern: /merge_requests\/\d+$/,
      },
      {
        status: 429 as const,
        retryAfterSeconds: 1,
        afterHandling: false,
        pathPattern: /merge_requests/,
      },
    )
    .map(fault =>
      command(
        `GitLab fault ${fault.status}${
          fault.afterHandling ? ' after doing the work' : ''
        } on ${fault.method ?? 'any'} ${fault.pathPattern}`,
        async w => {
          figures.faults++;
          w.gitlab.injectFaults({ ...fault, times: 1 });
        },
      ),
    ),
  fc.boolean().map(on =>
    command(`alert ${on ? 'fires' : 'clears'}`, async w => {
      w.alert = on;
    }),
  ),
  fc.boolean().map(on =>
    command(`metrics ${on ? 'regress' : 'recover'}`, async w => {
      w.regress = on;
    }),
  ),
];

/**
 * After the random steps: faults cleared, replicas restarted, claims run out, paused waves resumed, awaiting waves
 * approved by grace — then every wave must reach a terminal state (settled) or NEEDS_ATTENTION within a bound.
 */
async function settle(world: World) {
  world.gitlab.clearFaults();
  world.alert = false;
  world.regress = false;
  await world.personAct('undraft');
  // bounded by rounds and by time: istiod's timeout must be able to pass
  const deadline = Date.now() + ISTIOD_TIMEOUT_SECONDS * 1000 + 15_000;
  for (let round = 0; ; round++) {
    world.restart(0);
    await world.expireClaims();
    const wave = await world.latestWave();
    if (wave?.paused)
      await world.http(GRACE, 'post', `/waves/${wave.id}/resume`, {});
    if (wave?.status === 'AWAITING_APPROVAL' && !wave.decision) {
      await world.http(
        wave.createdBy === GRACE ? ADA : GRACE,
        'post',
        `/waves/${wave.id}/approve`,
        { comment: 'settle' },
      );
    }
    await world.tick(0);
    await checkInvariants(world);
    const work = new Set((await world.store.listWork()).map(w => w.id));
    const open: string[] = [];
    for (const id of world.waves) {
      const w = await world.store.getOrThrow(id);
      if (w.status === 'NEEDS_ATTENTION') continue;
      if (TERMINAL_WAVE_STATUSES.includes(w.status) && !work.has(id)) continue;
      open.push(
        `${id}: ${w.status}${
          w.lastFailure ? ` (${w.lastFailure.message})` : ''
        }`,
      );
    }
    if (!open.length) {
      for (const id of world.waves) {
        const status: WaveStatus = (await world.store.getOrThrow(id)).status;
        figures.outcomes[status] = (figures.outcomes[status] ?? 0) + 1;
      }
      return;
    }
    if (round >= 60 && Date.now() > deadline) {
      throw new Error(
        `waves not settled after ${round} rounds: ${open.join('; ')}`,
      );
    }
    if (round >= 20) await new Promise(r => setTimeout(r, 100)); // give istiod's timeout time to pass
  }
}

/** What a failed sequence did and left: its steps, each wave with its outbox, claim and audit log, GitLab's MRs. */
async function describeFailure(world: World, n: number): Promise<string> {
  const waves: string[] = [];
  for (const waveId of world.waves) {
    const w = await world.store.detail(waveId);
    const stored = await world.store.getOrThrow(waveId);
    const outbox = await world
      .knex('upgrade_waves_outbox')
      .where({ wave_id: waveId })
      .whereNull('done_at');
    const claim = await world
      .knex('upgrade_waves_waves')
      .where({ id: waveId })
      .select('lease_owner', 'lease_expires_at', 'active_batch_id');
    const events = w.events.map(
      e =>
        `    ${e.type} ${e.from ?? ''}→${e.to ?? ''} ${e.actor}: ${e.message}`,
    );
    waves.push(
      [
        `wave ${waveId} ${w.status} opening=${stored.opening}`,
        `  outbox=${JSON.stringify(outbox)} claim=${JSON.stringify(claim)}`,
        `  mrs=${JSON.stringify(
          w.mergeRequests.map(m => [m.kind, m.iid, m.state]),
        )}`,
        ...events,
      ].join('\n'),
    );
  }
  const gitlabMrs = world.gitlab
    .listMergeRequests(world.project)
    .map(m => [m.iid, m.sourceBranch, m.state, m.mergedBy]);
  return `sequence ${n} failed:\n${world.log.join('\n')}\n${waves.join(
    '\n',
  )}\nGitLab: ${JSON.stringify(gitlabMrs)}`;
}

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
// PostgreSQL is the production database: most sequences run there.
const RUNS_BY_DATABASE: Record<string, number> = {
  POSTGRES_15: RUNS || 160,
  SQLITE_3: RUNS ? Math.ceil(RUNS / 4) : 40,
};

describe.each(databases.eachSupportedId())(
  'the wave engine, model-based (%s)',
  id => {
    let gitlab: GitLabSandbox;
    let knex: Knex;
    let registry: DatabaseClusterRegistry;
    let client: GitLabMergeRequests;
    let personToken: string;
    let n = 0;

    beforeAll(async () => {
      Object.assign(figures, {
        database: id,
        sequences: 0,
        steps: 0,
        kills: 0,
        faults: 0,
        gitlabActions: 0,
        races: 0,
        waves: 0,
        outcomes: {},
      });
      gitlab = await GitLabSandbox.start();
      personToken = gitlab.addPerson('mallory', 'Mallory Merger').token;
      knex = await databases.init(id);
      await applyMigrations(knex);
      registry = await DatabaseClusterRegistry.create({
        knex,
        skipMigrations: true,
      });
      client = GitLabMergeRequests.fromConfig(
        new ConfigReader({
          integrations: {
            gitlab: [
              {
                host: new URL(gitlab.url).host,
                apiBaseUrl: `${gitlab.url}/api/v4`,
                token: gitlab.token,
              },
            ],
          },
          upgradeWaves: {
            gitlab: { maxAttempts: 2, requestsPerMinute: 100_000 },
          },
        }),
        { logger: silentLogger },
      );
    });

    afterAll(async () => {
      await gitlab?.stop();
      // eslint-disable-next-line no-console
      console.log(`model run (${id}): ${JSON.stringify(figures)}`);
    });

    it('keeps four-eyes, one merge request per wave, truthful end states, an audit entry per action, and reaches an end or NEEDS_ATTENTION', async () => {
      const runs = RUNS_BY_DATABASE[id];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<Caller>(ADA, GRACE, 'service'),
          fc.commands(commands, { maxCommands: 40, size: 'large' }),
          async (starter, cmds) => {
            n++;
            figures.sequences++;
            const world = new World(
              n,
              knex,
              gitlab,
              registry,
              client,
              personToken,
            );
            await world.setUp();
            try {
              world.log.push(`start by ${starter}`);
              await startWave(world, starter);
              await fc.asyncModelRun(() => ({ model: {}, real: world }), cmds);
              await settle(world);
            } catch (error) {
              // eslint-disable-next-line no-console
              console.log(await describeFailure(world, n));
              throw error;
            } finally {
              gitlab.clearFaults();
            }
          },
        ),
        {
          numRuns: runs,
          verbose: 1,
          endOnFailure: !!process.env.CI,
          // replay a failure: the seed and path fast-check printed
          ...(process.env.FLEETDECK_MODEL_SEED
            ? {
                seed: Number(process.env.FLEETDECK_MODEL_SEED),
                path: process.env.FLEETDECK_MODEL_PATH,
              }
            : {}),
        },
      );
      // the run reached what it is meant to exercise: kills, GitLab faults and actions, races, and waves ending
      // both well and badly (a generator that drifted away from them would pass for the wrong reason)
      const reached: Record<string, boolean> = {
        'every sequence': figures.sequences >= runs,
        kills: figures.kills > 0,
        'GitLab faults': figures.faults > 0,
        'people in GitLab': figures.gitlabActions > 0,
        races: figures.races > 0,
        'a SUCCEEDED wave': (figures.outcomes.SUCCEEDED ?? 0) > 0,
        'a wave ending otherwise':
          (figures.outcomes.CANCELLED ?? 0) +
            (figures.outcomes.ROLLED_BACK ?? 0) +
            (figures.outcomes.NEEDS_ATTENTION ?? 0) >
          0,
      };
      const replaying = !!process.env.FLEETDECK_MODEL_SEED;
      expect(
        replaying ? [] : Object.keys(reached).filter(what => !reached[what]),
      ).toEqual([]);
    });
  },
);

/** Host, port, user, password and database of a PostgreSQL knex, whether configured as an object or a URL. */
function pgConnectionOf(
  knex: Knex,
): Required<
  Pick<
    Knex.PgConnectionConfig,
    'host' | 'port' | 'user' | 'password' | 'database'
  >
> {
  const given = knex.client.config.connection as
    | string
    | {
        connectionString?: string;
        host?: string;
        port?: number;
        user?: string;
        password?: string;
        database?: string;
      };
  const fields = typeof given === 'string' ? {} : given;
  const asUrl = typeof given === 'string' ? given : given.connectionString;
  if (asUrl) {
    const url = new URL(asUrl);
    return {
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.replace(/^\//, '') || (fields.database ?? ''),
    };
  }
  return {
    host: fields.host ?? '127.0.0.1',
    port: Number(fields.port ?? 5432),
    user: fields.user ?? 'postgres',
    password: String(fields.password ?? ''),
    database: fields.database ?? '',
  };
}

/**
 * Backup and restore (docs/reliability.md): a PostgreSQL dump taken while a wave awaits approval, restored into a
 * new database, and a backend on the restored database takes the wave to SUCCEEDED with one merge request.
 */
describe('backup and restore on PostgreSQL', () => {
  const ids = databases
    .eachSupportedId()
    .filter(([id]) => id === 'POSTGRES_15');
  const pgBin = process.env.FLEETDECK_PG_BIN ?? '/usr/lib/postgresql/15/bin';
  const run = promisify(execFile);

  it.each(ids)(
    'a dump taken mid-wave restores into a new database where the wave finishes (%s)',
    async id => {
      const gitlab = await GitLabSandbox.start();
      const dir = await mkdtemp(join(tmpdir(), 'fleetdeck-backup-'));
      const knex = await databases.init(id);
      let restored: Knex | undefined;
      const connection = pgConnectionOf(knex);
      const env = {
        ...process.env,
        PGPASSWORD: String(connection.password ?? ''),
      };
      const target = `restored_${Date.now()}`;
      const args = [
        '-h',
        String(connection.host),
        '-p',
        String(connection.port ?? 5432),
        '-U',
        String(connection.user),
      ];
      try {
        await applyMigrations(knex);
        const personToken = gitlab.addPerson('mallory').token;
        const client = GitLabMergeRequests.fromConfig(
          new ConfigReader({
            integrations: {
              gitlab: [
                {
                  host: new URL(gitlab.url).host,
                  apiBaseUrl: `${gitlab.url}/api/v4`,
                  token: gitlab.token,
                },
              ],
            },
          }),
          { logger: silentLogger },
        );
        const registry = await DatabaseClusterRegistry.create({
          knex,
          skipMigrations: true,
        });
        const before = new World(
          1,
          knex,
          gitlab,
          registry,
          client,
          personToken,
        );
        await before.setUp();
        await startWave(before, ADA);
        await before.tick(0);
        const waveId = before.waves[0];
        expect((await before.store.getOrThrow(waveId)).status).toBe(
          'AWAITING_APPROVAL',
        );

        // the backup: pg_dump of the plugin's database, mid-wave
        const dump = join(dir, 'upgrade-waves.dump');
        await run(
          `${pgBin}/pg_dump`,
          [
            ...args,
            '--format=custom',
            '--file',
            dump,
            String(connection.database),
          ],
          { env },
        );
        await knex.raw(`create database ${target}`);
        await run(
          `${pgBin}/pg_restore`,
          [...args, '--no-owner', '--dbname', target, dump],
          { env },
        );

        // a new backend on the restored database: its own replica, the same GitLab
        restored = knexFactory({
          client: 'pg',
          connection: { ...connection, database: target },
        });
        const after = new World(
          1,
          restored,
          gitlab,
          await DatabaseClusterRegistry.create({
            knex: restored,
            skipMigrations: true,
          }),
          client,
          personToken,
        );
        after.waves.push(waveId);
        await after.expireClaims();
        expect(
          (
            await after.http(GRACE, 'post', `/waves/${waveId}/approve`, {
              comment: 'after the restore',
            })
          ).status,
        ).toBe(200);
        for (
          let i = 0;
          i < 20 &&
          (await after.store.getOrThrow(waveId)).status !== 'SUCCEEDED';
          i++
        ) {
          await after.tick(0);
        }
        await checkInvariants(after);
        const wave = await after.store.detail(waveId);
        expect(wave.status).toBe('SUCCEEDED');
        expect(gitlab.listMergeRequests(after.project)).toHaveLength(1);
        expect(
          wave.events.filter(e => e.type === 'approved').map(e => e.actor),
        ).toEqual([GRACE]);
      } finally {
        await restored?.destroy();
        await knex.raw(`drop database if exists ${target}`).catch(() => {});
        await rm(dir, { recursive: true, force: true });
        await gitlab.stop();
      }
    },
  );
});
