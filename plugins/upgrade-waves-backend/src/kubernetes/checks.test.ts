import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { eventually, SandboxCluster, typeOfKind } from '@fleetdeck/sandbox';
import type { ClusterCheck } from '../checks/types';
import {
  apiServerCheck,
  istioAnalysisCheck,
  istiodCheck,
  kubernetesCheckOptionsFromConfig,
  kubernetesChecks,
  nodesReadyCheck,
} from './checks';
import type { ConfigClusterConnector } from './ConfigClusterConnector';
import {
  checkContext,
  connectorFor,
  connectorTo,
  registryCluster,
  startSandboxCluster,
} from './__testUtils__/sandboxClusters';

const VERSION = '1.22.3';
const DEPLOYMENT = typeOfKind('Deployment');

function istiodAvailable(cluster: SandboxCluster) {
  return (
    cluster.store.get(DEPLOYMENT, 'istio-system', 'istiod').status
      ?.availableReplicas === 1
  );
}

describe('Kubernetes pre-checks', () => {
  let sandbox: SandboxCluster;
  let connector: ConfigClusterConnector;
  const cluster = registryCluster('checks-1');
  const run = (check: ClusterCheck, expectedVersion = VERSION) =>
    check.run(checkContext(cluster, expectedVersion));

  beforeEach(async () => {
    sandbox = await startSandboxCluster('checks-1', { istioVersion: VERSION });
    connector = connectorFor(sandbox);
    await eventually('istiod available', () => istiodAvailable(sandbox));
  });

  afterEach(async () => {
    await sandbox.stop();
  });

  it('all pass on a healthy cluster', async () => {
    const checks = kubernetesChecks(connector);

    const reports = await Promise.all(checks.map(c => run(c)));

    expect(checks.map(c => c.name)).toEqual([
      'api-server',
      'nodes-ready',
      'istiod',
      'istio-analysis',
    ]);
    expect(reports.map(r => r.outcome)).toEqual([
      'passed',
      'passed',
      'passed',
      'passed',
    ]);
    expect(reports[1].message).toBe('All 2 nodes are Ready');
    expect(reports[2].message).toBe(`istiod ${VERSION} is ready`);
  });

  it('api-server fails with the answer of /readyz when the control plane is down', async () => {
    sandbox.api.faults.available = false;

    const report = await run(apiServerCheck(connector));

    expect(report.outcome).toBe('failed');
    expect(report.message).toMatch(
      /^API server is not ready: \/readyz answered 503: upstream connect error/,
    );
  });

  it('api-server fails naming the error when nothing listens', async () => {
    const unreachable = connectorTo('checks-1', 'http://127.0.0.1:1', 'unused');

    const report = await run(apiServerCheck(unreachable));

    expect(report).toMatchObject({
      outcome: 'failed',
      message: expect.stringMatching(/^API server unreachable: .*ECONNREFUSED/),
    });
  });

  it('nodes-ready fails listing the NotReady nodes', async () => {
    sandbox.setNodeReady('checks-1-node-2', false);

    const report = await run(nodesReadyCheck(connector));

    expect(report.outcome).toBe('failed');
    expect(report.message).toBe(
      '1 of 2 nodes are NotReady: checks-1-node-2 (KubeletNotReady)',
    );
    expect(report.detail).toMatchObject({
      notReady: [{ name: 'checks-1-node-2', status: 'False' }],
    });
  });

  it('istiod fails when it runs another version than expected', async () => {
    const report = await run(istiodCheck(connector), '1.23.0');

    expect(report).toMatchObject({
      outcome: 'failed',
      message: `istiod runs ${VERSION}, expected 1.23.0`,
    });
  });

  it('istiod fails with the HelmRelease message when the last upgrade failed', async () => {
    sandbox.rolloutIstio('1.24.0', { fail: true });

    const report = await run(istiodCheck(connector));

    expect(report.outcome).toBe('failed');
    expect(report.message).toContain(
      'Helm upgrade failed for release istio-system/istiod with chart istiod@1.24.0: context deadline exceeded',
    );
  });

  it('istiod fails when there is no istiod', async () => {
    sandbox.store.delete(DEPLOYMENT, 'istio-system', 'istiod');

    const report = await run(istiodCheck(connector));

    expect(report).toMatchObject({
      outcome: 'failed',
      message: 'istiod is not ready: no istiod Deployment in istio-system',
    });
  });

  it('fail with the reason when the cluster has no configured access', async () => {
    const report = await kubernetesChecks(connector)[0].run(
      checkContext(registryCluster('unknown-9'), VERSION),
    );

    expect(report).toMatchObject({
      outcome: 'failed',
      message: expect.stringContaining('unknown-9'),
    });
  });

  it('reject when the signal aborts, leaving the outcome to the runner', async () => {
    const controller = new AbortController();
    controller.abort();

    await expect(
      nodesReadyCheck(connector).run(
        checkContext(cluster, VERSION, controller.signal),
      ),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('istio-analysis through the API', () => {
  let sandbox: SandboxCluster;
  const cluster = registryCluster('analysis-1');

  afterEach(async () => {
    await sandbox.stop();
  });

  it('fails when the injector webhook calls a Service that does not exist', async () => {
    sandbox = await startSandboxCluster('analysis-1', {
      istioVersion: VERSION,
    });
    sandbox.store.delete(typeOfKind('Service'), 'istio-system', 'istiod');

    const report = await istioAnalysisCheck(connectorFor(sandbox)).run(
      checkContext(cluster, VERSION),
    );

    expect(report).toMatchObject({
      outcome: 'failed',
      message:
        'webhook istio-sidecar-injector/namespace.sidecar-injector.istio.io calls Service istio-system/istiod, which does not exist',
    });
  });

  it('fails naming the Istio CRDs that are missing', async () => {
    sandbox = await startSandboxCluster('analysis-1', {
      istioVersion: VERSION,
    });
    sandbox.store.delete(
      typeOfKind('CustomResourceDefinition'),
      undefined,
      'virtualservices.networking.istio.io',
    );

    const report = await istioAnalysisCheck(connectorFor(sandbox)).run(
      checkContext(cluster, VERSION),
    );

    expect(report).toMatchObject({
      outcome: 'failed',
      message: 'Istio CRDs missing: virtualservices.networking.istio.io',
    });
  });

  it('fails on a cluster without Istio', async () => {
    sandbox = await startSandboxCluster('analysis-1');

    const report = await istioAnalysisCheck(connectorFor(sandbox)).run(
      checkContext(cluster, VERSION),
    );

    expect(report.outcome).toBe('failed');
    expect(report.message).toContain(
      'no Istio sidecar injector webhook (MutatingWebhookConfiguration istio-sidecar-injector)',
    );
  });

  describe('on an API server that does not serve webhook configurations or CRDs', () => {
    let proxy: http.Server;

    afterEach(async () => {
      proxy.closeAllConnections();
      await new Promise(resolve => proxy.close(resolve));
    });

    /** Passes requests to the sandbox, except those for the given API groups, which get the real 404. */
    async function startProxy(target: string, hiddenGroups: string[]) {
      proxy = http.createServer((req, res) => {
        if (hiddenGroups.some(g => req.url?.startsWith(`/apis/${g}/`))) {
          res.writeHead(404, { 'Content-Type': 'application/json' });
          res.end(
            JSON.stringify({
              kind: 'Status',
              apiVersion: 'v1',
              status: 'Failure',
              message: 'the server could not find the requested resource',
              reason: 'NotFound',
              code: 404,
            }),
          );
          return;
        }
        const upstream = http.request(
          `${target}${req.url}`,
          { method: req.method, headers: req.headers },
          answer => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        req.pipe(upstream);
      });
      await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    }

    const connectorVia = (url: string) =>
      connectorTo('analysis-1', url, sandbox.token);

    it('skips with a message when neither kind is served', async () => {
      sandbox = await startSandboxCluster('analysis-1', {
        istioVersion: VERSION,
      });
      const url = await startProxy(sandbox.url, [
        'admissionregistration.k8s.io',
        'apiextensions.k8s.io',
      ]);

      const report = await istioAnalysisCheck(connectorVia(url)).run(
        checkContext(cluster, VERSION),
      );

      expect(report.outcome).toBe('skipped');
      expect(report.message).toMatch(
        /^Istio analysis skipped: the API server does not serve MutatingWebhookConfiguration .* or CustomResourceDefinition/,
      );
    });

    it('warns when only the CRDs could be checked', async () => {
      sandbox = await startSandboxCluster('analysis-1', {
        istioVersion: VERSION,
      });
      const url = await startProxy(sandbox.url, [
        'admissionregistration.k8s.io',
      ]);

      const report = await istioAnalysisCheck(connectorVia(url)).run(
        checkContext(cluster, VERSION),
      );

      expect(report.outcome).toBe('warning');
      expect(report.message).toMatch(
        /^Checked 8 Istio CRDs; the API server does not serve MutatingWebhookConfiguration/,
      );
    });
  });
});

describe('istio-analysis with istioctl', () => {
  let sandbox: SandboxCluster;
  let dir: string;
  const cluster = registryCluster('istioctl-1');

  beforeAll(async () => {
    sandbox = await startSandboxCluster('istioctl-1', {
      istioVersion: VERSION,
    });
  });

  afterAll(async () => {
    await sandbox.stop();
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'istioctl-test-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * An istioctl stand-in: records its arguments and the kubeconfig it was given, prints `stdout` and exits
   * with `exitCode`.
   */
  async function fakeIstioctl(options: {
    stdout?: string;
    stderr?: string;
    exitCode?: number;
    sleep?: boolean;
  }) {
    const path = join(dir, 'istioctl');
    await writeFile(join(dir, 'stdout'), options.stdout ?? '');
    await writeFile(
      path,
      [
        '#!/bin/sh',
        `echo "$@" > "${dir}/args"`,
        'while [ $# -gt 0 ]; do',
        `  if [ "$1" = "--kubeconfig" ]; then echo "$2" > "${dir}/kubeconfig-path"; cp "$2" "${dir}/kubeconfig-seen"; fi`,
        '  shift',
        'done',
        options.sleep ? 'exec sleep 30' : '',
        `cat "${dir}/stdout"`,
        options.stderr ? `echo '${options.stderr}' >&2` : '',
        `exit ${options.exitCode ?? 0}`,
      ].join('\n'),
    );
    await chmod(path, 0o755);
    return path;
  }

  const FINDINGS = `- code: IST0101
  documentationUrl: https://istio.io/latest/docs/reference/config/analysis/ist0101/
  level: Error
  message: 'Referenced selector not found: "app=ratings"'
  origin: Sidecar bookinfo/ratings
- code: IST0102
  level: Info
  message: The namespace is not enabled for Istio injection.
  origin: Namespace default
- code: IST0118
  level: Warning
  message: Port name foo (port 8080) doesn't follow the naming convention.
  origin: Service shop/cart
`;

  it('runs istioctl analyze on the cluster through a temporary kubeconfig, then removes it', async () => {
    const istioctlPath = await fakeIstioctl({
      stdout: FINDINGS,
      exitCode: 79,
    });

    const report = await istioAnalysisCheck(connectorFor(sandbox), {
      istioctlPath,
    }).run(checkContext(cluster, VERSION));

    expect(report.outcome).toBe('failed');
    expect(report.message).toBe(
      'istioctl analyze found 1 error and 1 warning: IST0101 (Error) Referenced selector not found: "app=ratings" [Sidecar bookinfo/ratings]; IST0118 (Warning) Port name foo (port 8080) doesn\'t follow the naming convention. [Service shop/cart]',
    );
    const args = (await readFile(join(dir, 'args'), 'utf8')).trim();
    expect(args).toMatch(/^analyze --all-namespaces -o yaml --kubeconfig \S+$/);
    const seen = await readFile(join(dir, 'kubeconfig-seen'), 'utf8');
    expect(seen).toContain(sandbox.url);
    const used = (await readFile(join(dir, 'kubeconfig-path'), 'utf8')).trim();
    await expect(readFile(used)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('warns when istioctl finds only warnings', async () => {
    const istioctlPath = await fakeIstioctl({
      stdout: FINDINGS.split('- code: IST0118')[0].replace(
        'level: Error',
        'level: Warning',
      ),
    });

    const report = await istioAnalysisCheck(connectorFor(sandbox), {
      istioctlPath,
    }).run(checkContext(cluster, VERSION));

    expect(report.outcome).toBe('warning');
    expect(report.message).toMatch(
      /^istioctl analyze found 0 errors and 1 warning/,
    );
  });

  it('passes when istioctl finds nothing', async () => {
    const istioctlPath = await fakeIstioctl({ stdout: '[]\n' });

    const report = await istioAnalysisCheck(connectorFor(sandbox), {
      istioctlPath,
    }).run(checkContext(cluster, VERSION));

    expect(report).toMatchObject({
      outcome: 'passed',
      message: 'istioctl analyze found no errors or warnings',
    });
  });

  it('fails with what istioctl printed when it cannot analyze', async () => {
    const istioctlPath = await fakeIstioctl({
      stderr:
        'Error: failed to get Istio CRDs: the server could not find the requested resource',
      exitCode: 1,
    });

    const report = await istioAnalysisCheck(connectorFor(sandbox), {
      istioctlPath,
    }).run(checkContext(cluster, VERSION));

    expect(report).toMatchObject({
      outcome: 'failed',
      message:
        'istioctl analyze exited with code 1: Error: failed to get Istio CRDs: the server could not find the requested resource',
    });
  });

  it('fails naming the path when istioctl is missing', async () => {
    const report = await istioAnalysisCheck(connectorFor(sandbox), {
      istioctlPath: join(dir, 'no-istioctl'),
    }).run(checkContext(cluster, VERSION));

    expect(report.outcome).toBe('failed');
    expect(report.message).toContain(`istioctl at ${join(dir, 'no-istioctl')}`);
  });

  it('stops istioctl and removes the kubeconfig when the signal aborts', async () => {
    const istioctlPath = await fakeIstioctl({ sleep: true });
    const controller = new AbortController();

    const running = istioAnalysisCheck(connectorFor(sandbox), {
      istioctlPath,
    }).run(checkContext(cluster, VERSION, controller.signal));
    const used = await eventually('istioctl started', () => {
      try {
        return readFileSync(join(dir, 'kubeconfig-path'), 'utf8').trim();
      } catch {
        return undefined;
      }
    });
    controller.abort();

    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    await expect(readFile(used)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reads the istioctl path from upgradeWaves.checks.istioctl.path', () => {
    expect(
      kubernetesCheckOptionsFromConfig(
        new ConfigReader({
          upgradeWaves: {
            checks: { istioctl: { path: '/usr/local/bin/istioctl' } },
          },
        }),
      ),
    ).toEqual({ istioctlPath: '/usr/local/bin/istioctl' });
    expect(kubernetesCheckOptionsFromConfig(new ConfigReader({}))).toEqual({});
  });
});
