import { mkdtempSync, cpSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repositoryRoot } from './repository';
import { defaultValues, loadTemplateFolder } from './TemplateFolder';

const demo = path.join(
  repositoryRoot(),
  'packages/template-gates/src/__fixtures__/demo',
);

function demoCopyWithGates(gates: string) {
  const dir = path.join(
    mkdtempSync(path.join(os.tmpdir(), 'template-folder-')),
    'demo',
  );
  cpSync(demo, dir, { recursive: true });
  writeFileSync(path.join(dir, 'gates.yaml'), gates);
  return dir;
}

describe('loadTemplateFolder', () => {
  it('renders defaults (with gates.yaml required values) first, then each variant over them', () => {
    const folder = loadTemplateFolder(demo);
    expect(folder.name).toBe('demo');
    expect(folder.valueSets).toEqual([
      {
        name: 'defaults',
        values: {
          name: 'orders',
          replicas: 2,
          owner: 'group:default/team-sessions',
          repoUrl: 'gitlab.com?owner=platform&repo=orders',
        },
      },
      {
        name: 'bigger',
        values: {
          name: 'payments',
          replicas: 3,
          owner: 'group:default/team-sessions',
          repoUrl: 'gitlab.com?owner=platform&repo=orders',
        },
      },
    ]);
    expect(folder.files.map(f => f.path)).toEqual([
      'skeleton/catalog-info.yaml',
      'skeleton/k8s/configmap.yaml',
      'template.yaml',
    ]);
  });

  it('reads defaults from every page', () => {
    expect(defaultValues(loadTemplateFolder(demo).template)).toEqual({
      name: 'orders',
      replicas: 2,
    });
  });

  it('refuses a gates.yaml without a non-default variant, naming the file', () => {
    expect(() =>
      loadTemplateFolder(demoCopyWithGates('required: {}\n')),
    ).toThrow(
      'demo/gates.yaml: variants must list at least one non-default value set ({ name, values })',
    );
    expect(() =>
      loadTemplateFolder(
        demoCopyWithGates(
          'variants: [{ name: same, values: { replicas: 2 } }]\n',
        ),
      ),
    ).toThrow(
      'demo/gates.yaml: variants[0] (same) changes no parameter from its default',
    );
    expect(() =>
      loadTemplateFolder(
        demoCopyWithGates('variants: [{ values: { replicas: 3 } }]\n'),
      ),
    ).toThrow(
      'demo/gates.yaml: variants[0] needs a name (string) and values (mapping)',
    );
  });
});
