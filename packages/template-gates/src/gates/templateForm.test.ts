import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repositoryRoot } from '../repository';
import { loadTemplateFolder, TemplateEntity } from '../TemplateFolder';
import { formatFinding } from './Finding';
import {
  checkCatalogInfo,
  checkTemplateForm,
  configuredGitlabHosts,
} from './templateForm';

const demo = () =>
  loadTemplateFolder(
    path.join(
      repositoryRoot(),
      'packages/template-gates/src/__fixtures__/demo',
    ),
  ).template;

function form(mutate: (t: TemplateEntity & { spec: any }) => void) {
  const template = demo() as TemplateEntity & { spec: any };
  mutate(template);
  return checkTemplateForm('demo', template).map(formatFinding);
}

describe('checkTemplateForm', () => {
  it('passes the demo template', () => {
    expect(form(() => {})).toEqual([]);
  });

  it('names a pattern without ui:help, a free-text owner and a RepoUrlPicker that pins its hosts', () => {
    expect(
      form(t => {
        delete t.spec.parameters[0].properties.name['ui:help'];
        delete t.spec.parameters[0].properties.owner['ui:field'];
        // even the default integration's host: the portal's own integrations decide (sandbox, company GitLab)
        t.spec.parameters[1].properties.repoUrl['ui:options'] = {
          allowedHosts: ['gitlab.com'],
        };
      }),
    ).toEqual([
      '[template/pattern-explained] demo/template.yaml parameter name: a parameter validated by pattern needs ui:help saying what is accepted',
      '[template/owner-picker] demo/template.yaml parameter owner: owners are picked with ui:field OwnerPicker',
      "[template/repo-hosts] demo/template.yaml parameter repoUrl: RepoUrlPicker must not pin ui:options.allowedHosts: the form offers the portal's own GitLab integrations (gitlab.com, a company GitLab, the sandbox)",
    ]);
  });

  it('names an OwnerPicker that offers other kinds', () => {
    expect(
      form(t => {
        t.spec.parameters[0].properties.owner['ui:options'].catalogFilter.kind =
          ['Group', 'System'];
      }),
    ).toEqual([
      '[template/owner-picker] demo/template.yaml parameter owner: OwnerPicker must offer Group and/or User only (ui:options.catalogFilter.kind)',
    ]);
  });

  it('names steps out of order and missing output links', () => {
    expect(
      form(t => {
        t.spec.steps = [t.spec.steps[2], t.spec.steps[1], t.spec.steps[0]];
        delete t.spec.output;
      }),
    ).toEqual([
      '[template/steps] demo/template.yaml: fetch:template must run before the publish step',
      '[template/steps] demo/template.yaml: catalog:register must follow publish:gitlab, so the new component appears in the catalog',
      '[template/output-links] demo/template.yaml: spec.output.links must link the result (repository, catalog entity or merge request)',
    ]);
  });
});

describe('checkCatalogInfo', () => {
  it('needs the registered file to hold a Component with backstage.io/kubernetes-id', () => {
    const component =
      'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: orders\n';
    expect(checkCatalogInfo(demo(), new Map()).map(formatFinding)).toEqual([
      '[template/catalog-info] catalog-info.yaml: catalog:register reads this file but the skeleton does not generate it',
    ]);
    expect(
      checkCatalogInfo(
        demo(),
        new Map([['catalog-info.yaml', Buffer.from(component)]]),
      ).map(formatFinding),
    ).toEqual([
      '[template/catalog-info] catalog-info.yaml Component/orders: needs the backstage.io/kubernetes-id annotation',
    ]);
  });
});

describe('configuredGitlabHosts', () => {
  it('reads the GitLab integrations, with ${VAR:-default} as its default', () => {
    const file = path.join(
      mkdtempSync(path.join(os.tmpdir(), 'app-config-')),
      'app-config.yaml',
    );
    writeFileSync(
      file,
      'integrations:\n  gitlab:\n    - host: ${GITLAB_HOST:-gitlab.com}\n    - host: gitlab.internal.example\n    - host: ${ONLY_FROM_ENV}\n',
    );
    expect(configuredGitlabHosts(file)).toEqual([
      'gitlab.com',
      'gitlab.internal.example',
    ]);
  });
});
