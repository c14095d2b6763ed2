import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createPublishGitlabAction } from '@backstage/plugin-scaffolder-backend-module-gitlab';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { Gitlab } from '@gitbeaker/rest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { eventually } from '../testing/eventually';
import { typeOfKind } from '../kubernetes/resources';
import {
  DEFAULT_BATCHES,
  DEFAULT_ISTIO_VERSION,
  Fleet,
  TEMPLATES_GITLAB_GROUP,
} from './Fleet';

describe('the default scenario', () => {
  let fleet: Fleet;
  beforeAll(async () => {
    fleet = await Fleet.startDefault({
      sentinel: false,
      timeToReadyMedianMs: 50,
    });
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
  });

  it('runs 9 clusters in 5 batches with Istio, workloads and two warm pools', async () => {
    expect(fleet.clusters.map(c => `${c.batch}:${c.cluster.name}`)).toEqual(
      DEFAULT_BATCHES.flatMap(b => b.clusters.map(c => `${b.batch}:${c.name}`)),
    );
    expect(
      fleet.clusters.every(
        c => c.cluster.istioVersion() === DEFAULT_ISTIO_VERSION,
      ),
    ).toBe(true);
    const cart = await eventually('cart pods', () => {
      const pods = fleet
        .cluster('prod-ap-1')
        .store.list(typeOfKind('Pod'), 'shop')
        .filter(p => p.metadata.labels?.app === 'cart');
      return pods.length === 2 && pods;
    });
    expect(
      cart[0].spec.containers.map((c: { name: string }) => c.name),
    ).toEqual(['cart', 'istio-proxy']);
    expect(
      fleet.pools.map(
        p =>
          `${p.cluster}/${p.provisioner.namespace}/${p.provisioner.poolName}`,
      ),
    ).toEqual(['test-1/sessions/warm', 'prod-eu-1/sessions/warm']);
  });

  it('writes catalog entities and an app-config that point a portal at the fleet', () => {
    const docs = parseAllDocuments(fleet.catalogYaml()).map(d => d.toJS());
    const components = docs.filter(d => d.kind === 'Component');
    expect(components.map(c => c.metadata.name)).toEqual(
      expect.arrayContaining([
        'cart',
        'checkout',
        'catalog-api',
        'session-store',
        'session-provisioner',
      ]),
    );
    expect(
      components.find(c => c.metadata.name === 'session-provisioner').metadata
        .annotations['fleetdeck.io/warm-pool'],
    ).toBe('test-1/sessions/warm');
    const config: any = fleet.appConfig({
      catalogFile: '/tmp/catalog.yaml',
      rootCatalogFile: '/repo/catalog-info.yaml',
    });
    expect(config.kubernetes.clusterLocatorMethods[0].clusters).toHaveLength(9);
    expect(config.integrations.gitlab[0].apiBaseUrl).toBe(
      `${fleet.gitlab.url}/api/v4`,
    );
    expect(
      config.catalog.locations.map((l: { target: string }) => l.target),
    ).toEqual(['/repo/catalog-info.yaml', '/tmp/catalog.yaml']);
  });

  it('follows a merged HelmRelease bump in GitLab: istiod moves to the new version (GitOps loop)', async () => {
    const api = new Gitlab({
      host: fleet.gitlab.url,
      token: fleet.gitlab.token,
    });
    const project = 'platform/gitops-test';
    const file = 'clusters/test-1/istio/istiod.yaml';
    const content = fleet.gitlab.readFile(project, file)!;
    expect(content).toContain(`version: "${DEFAULT_ISTIO_VERSION}"`);
    await api.Branches.create(project, 'feature/istio-1.23.2-test', 'main');
    await api.Commits.create(
      project,
      'feature/istio-1.23.2-test',
      'Istio 1.23.2 for test',
      [
        {
          action: 'update',
          filePath: file,
          content: content.replace(
            `version: "${DEFAULT_ISTIO_VERSION}"`,
            'version: "1.23.2"',
          ),
        },
      ],
    );
    const mr = await api.MergeRequests.create(
      project,
      'feature/istio-1.23.2-test',
      'main',
      'Istio upgrade to v1.23.2 for test',
    );
    await api.MergeRequests.merge(project, mr.iid);
    await eventually(
      'istiod on 1.23.2',
      () => fleet.cluster('test-1').istioVersion() === '1.23.2',
    );
    expect(fleet.cluster('dev-eu-1').istioVersion()).toBe(
      DEFAULT_ISTIO_VERSION,
    );
  });

  it('has a GitLab group a template publishes into, and its app-config lets the catalog read what was published', async () => {
    const config = new ConfigReader(
      fleet.appConfig({
        catalogFile: '/tmp/catalog.yaml',
        rootCatalogFile: '/repo/catalog-info.yaml',
      }) as any,
    );
    const integrations = ScmIntegrations.fromConfig(config);
    const host = new URL(fleet.gitlab.url).host;
    const catalogInfo =
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders-kvs\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/team-sessions\n';
    const workspacePath = await mkdtemp(path.join(tmpdir(), 'fleet-publish-'));
    try {
      await writeFile(
        path.join(workspacePath, 'catalog-info.yaml'),
        catalogInfo,
      );
      // what a template's publish:gitlab step does with the RepoUrlPicker's value
      const ctx = createMockActionContext({
        input: {
          repoUrl: `${host}?owner=${TEMPLATES_GITLAB_GROUP}&repo=orders-kvs`,
          defaultBranch: 'main',
          repoVisibility: 'internal',
        },
        workspacePath,
      });
      await createPublishGitlabAction({ integrations, config }).handler(
        ctx as any,
      );
      const outputs = Object.fromEntries(
        (ctx.output as jest.Mock).mock.calls as Array<[string, unknown]>,
      );
      expect(outputs.remoteUrl).toBe(
        `${fleet.gitlab.url}/${TEMPLATES_GITLAB_GROUP}/orders-kvs`,
      );

      // catalog:register's catalogInfoUrl, built as it builds it, read as the catalog reads a url Location
      const repoContentsUrl = String(outputs.repoContentsUrl);
      const catalogInfoUrl = integrations.byUrl(repoContentsUrl)!.resolveUrl({
        base: repoContentsUrl,
        url: '/catalog-info.yaml',
      });
      expect(catalogInfoUrl).toBe(
        `${fleet.gitlab.url}/${TEMPLATES_GITLAB_GROUP}/orders-kvs/-/blob/main/catalog-info.yaml`,
      );
      const reader = UrlReaders.default({
        config,
        logger: mockServices.logger.mock(),
      });
      const read = await reader.readUrl(catalogInfoUrl);
      expect((await read.buffer()).toString('utf8')).toBe(catalogInfo);
    } finally {
      await rm(workspacePath, { recursive: true, force: true });
    }
  }, 60_000);
});
