import { formatFinding } from './Finding';
import { isKubernetesObject, parseYamlDocuments } from './documents';

describe('parseYamlDocuments', () => {
  it('reads every document of a multi-document file', () => {
    const { objects, findings } = parseYamlDocuments(
      'a.yaml',
      'a: 1\n---\nb: 2\n---\n',
    );
    expect(findings).toEqual([]);
    expect(objects.map(o => o.object)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('names the file and the document that does not parse', () => {
    const { findings } = parseYamlDocuments(
      'k8s/bad.yaml',
      'a: 1\n---\nb: [1, 2\n',
    );
    expect(findings.map(formatFinding)).toEqual([
      expect.stringMatching(/^\[yaml\/parses\] k8s\/bad\.yaml: document 2: /),
    ]);
  });
});

describe('isKubernetesObject', () => {
  it('tells Kubernetes objects from Backstage entities and plain YAML', () => {
    expect(isKubernetesObject({ apiVersion: 'v1', kind: 'Service' })).toBe(
      true,
    );
    expect(
      isKubernetesObject({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
      }),
    ).toBe(false);
    expect(isKubernetesObject({ replicaCount: 3 })).toBe(false);
  });
});
