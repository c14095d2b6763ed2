import { writeProject } from './__fixtures__/project';
import { formatFinding } from './Finding';
import {
  checkKustomizations,
  filesUnderKustomize,
  findKustomizations,
  patchFiles,
  rootKustomizations,
} from './kustomize';

const base = {
  'base/kustomization.yaml':
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [service.yaml]\n',
  'base/service.yaml':
    'apiVersion: v1\nkind: Service\nmetadata: { name: api }\nspec: { ports: [{ port: 80 }] }\n',
  'overlays/dev/patches/service.yaml':
    'apiVersion: v1\nkind: Service\nmetadata: { name: api }\nspec: { type: ClusterIP }\n',
  'loose.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n',
};

describe('kustomize gate', () => {
  it('builds every kustomization, finds the roots, the patches and the files kustomize pulls in', () => {
    const project = writeProject({
      ...base,
      'overlays/dev/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: dev\nresources: [../../base]\npatches: [{ path: patches/service.yaml }]\n',
    });
    try {
      const kustomizations = findKustomizations(project.root, project.files);
      expect(kustomizations.map(k => k.dir)).toEqual(['base', 'overlays/dev']);
      expect(rootKustomizations(kustomizations).map(k => k.dir)).toEqual([
        'overlays/dev',
      ]);
      expect([...patchFiles(kustomizations)]).toEqual([
        'overlays/dev/patches/service.yaml',
      ]);
      expect(
        [
          ...filesUnderKustomize(project.root, kustomizations, project.files),
        ].sort(),
      ).toEqual([
        'base/kustomization.yaml',
        'base/service.yaml',
        'overlays/dev/kustomization.yaml',
        'overlays/dev/patches/service.yaml',
      ]);
      const { findings, builds } = checkKustomizations(
        project.root,
        kustomizations,
      );
      expect(findings).toEqual([]);
      const dev = builds.find(b => b.dir === 'overlays/dev')!;
      expect(
        dev.objects.map(o => [
          o.object.metadata?.namespace,
          o.object.spec.type,
        ]),
      ).toEqual([['dev', 'ClusterIP']]);
    } finally {
      project.remove();
    }
  });

  it('names a kustomization that does not build, and deprecated or unknown fields', () => {
    const project = writeProject({
      ...base,
      'overlays/dev/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ncommonLabels: { a: b }\nfancy: true\nresources: [../../base]\n',
      'overlays/prod/kustomization.yaml':
        'resources: [../../base, missing.yaml]\n',
    });
    try {
      const { findings } = checkKustomizations(
        project.root,
        findKustomizations(project.root, project.files),
      );
      expect(findings.map(formatFinding)).toEqual([
        '[kustomize/standard-fields] overlays/dev/kustomization.yaml: commonLabels is deprecated; use labels',
        '[kustomize/standard-fields] overlays/dev/kustomization.yaml: fancy is not a standard kustomization field',
        '[kustomize/builds] overlays/dev/kustomization.yaml: invalid Kustomization: json: unknown field "fancy"',
        expect.stringMatching(
          /^\[kustomize\/builds\] overlays\/prod\/kustomization\.yaml: .*missing\.yaml/s,
        ),
      ]);
    } finally {
      project.remove();
    }
  });
});
