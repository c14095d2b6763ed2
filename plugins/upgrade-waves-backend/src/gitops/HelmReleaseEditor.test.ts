import { InputError } from '@backstage/errors';
import { istioReleaseFiles } from '@fleetdeck/sandbox';
import { HelmReleaseEditor } from './HelmReleaseEditor';

const editor = new HelmReleaseEditor();

/** `text` with the one occurrence of `from` replaced by `to`; fails when `from` is not there exactly once. */
function withTokenReplaced(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  expect(at).toBeGreaterThanOrEqual(0);
  expect(text.indexOf(from, at + 1)).toBe(-1);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

function release(version: string, extra = ''): string {
  return [
    'apiVersion: helm.toolkit.fluxcd.io/v2',
    'kind: HelmRelease',
    'metadata:',
    '  name: istiod',
    'spec:',
    '  chart:',
    '    spec:',
    '      chart: istiod',
    `      version: ${version}`,
    extra,
  ].join('\n');
}

function refusal(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('the edit was not refused');
}

describe('HelmReleaseEditor', () => {
  describe('on the sandbox GitOps files', () => {
    const files = Object.entries(istioReleaseFiles('prod-eu-1', '1.22.3'));

    it.each(files)('changes only the version token of %s', (path, content) => {
      const result = editor.setChartVersion(content, '1.23.0', path);
      expect(result.changed).toBe(true);
      expect(result.previousVersions).toEqual(['1.22.3']);
      expect(result.text).toBe(
        withTokenReplaced(content, '"1.22.3"', '"1.23.0"'),
      );
      const changedLines = result.text
        .split('\n')
        .filter((line, i) => line !== content.split('\n')[i]);
      expect(changedLines).toEqual([
        '      version: "1.23.0" # keep in step with the other Istio releases of this cluster',
      ]);
    });

    it.each(files)('reads the version of %s', (path, content) => {
      expect(editor.readChartVersions(content, path)).toEqual(['1.22.3']);
    });

    it('leaves a file already on the version untouched', () => {
      const [[path, content]] = files;
      expect(editor.setChartVersion(content, '1.22.3', path)).toEqual({
        text: content,
        changed: false,
        previousVersions: ['1.22.3'],
      });
    });
  });

  it('keeps a plain scalar plain and its trailing comment', () => {
    const text = release('1.22.3 # pinned by platform', '');
    expect(editor.setChartVersion(text, '1.23.1').text).toBe(
      withTokenReplaced(text, '1.22.3', '1.23.1'),
    );
  });

  it('keeps a single-quoted scalar single-quoted', () => {
    const text = release("'1.22.3'", '');
    expect(editor.setChartVersion(text, '1.23.1').text).toBe(
      withTokenReplaced(text, "'1.22.3'", "'1.23.1'"),
    );
  });

  it('double-quotes a plain version that would otherwise read back as a number', () => {
    const text = release('1.22.3', '');
    const { text: edited } = editor.setChartVersion(text, '1.24');
    expect(edited).toBe(withTokenReplaced(text, '1.22.3', '"1.24"'));
    expect(editor.readChartVersions(edited)).toEqual(['1.24']);
  });

  it('reads a plain numeric version as it is written', () => {
    expect(editor.readChartVersions(release('1.20', ''))).toEqual(['1.20']);
  });

  it('edits a version inside a flow mapping', () => {
    const text =
      'apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nspec: {chart: {spec: {chart: base, version: 1.22.3}}}\n';
    expect(editor.setChartVersion(text, '1.23.0').text).toBe(
      withTokenReplaced(text, '1.22.3', '1.23.0'),
    );
  });

  it('edits every HelmRelease of a multi-document file, keeping CRLF line ends', () => {
    const first = release('"1.22.3"', '').replace(/\n/g, '\r\n');
    const second = release('1.22.2', '').replace(/\n/g, '\r\n');
    const text = `# two releases\r\n${first}\r\n---\r\n${second}\r\n`;
    const result = editor.setChartVersion(text, '1.23.0', 'two.yaml');
    expect(result.previousVersions).toEqual(['1.22.3', '1.22.2']);
    expect(result.text).toBe(
      withTokenReplaced(
        withTokenReplaced(text, '"1.22.3"', '"1.23.0"'),
        '1.22.2',
        '1.23.0',
      ),
    );
  });

  it('does not touch other fields named version', () => {
    const text = release(
      '1.22.3',
      '  values:\n    version: 1.22.3\n    global:\n      tag: 1.22.3\n',
    );
    const { text: edited } = editor.setChartVersion(text, '1.23.0');
    expect(edited).toContain('    version: 1.22.3\n');
    expect(edited).toContain('      version: 1.23.0\n');
  });

  it('ignores a comment-only document after a trailing document marker', () => {
    const text = `${release('1.22.3', '')}\n---\n# nothing here yet\n`;
    expect(editor.setChartVersion(text, '1.23.0').previousVersions).toEqual([
      '1.22.3',
    ]);
  });

  describe('refuses, naming the file and the reason,', () => {
    it('text that is not YAML', () => {
      const error = refusal(() =>
        editor.setChartVersion('spec: [unclosed\n', '1.23.0', 'broken.yaml'),
      );
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toMatch(
        /^broken\.yaml: not valid YAML at line \d+, column \d+: /,
      );
    });

    it('a document that is not a HelmRelease', () => {
      const kustomization =
        'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n  path: ./istio\n';
      const error = refusal(() =>
        editor.setChartVersion(
          `${release('1.22.3', '')}\n---\n${kustomization}`,
          '1.23.0',
          'mixed.yaml',
        ),
      );
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        'mixed.yaml, document 2: not a Flux HelmRelease (kind Kustomization of kustomize.toolkit.fluxcd.io/v1); expected kind HelmRelease of helm.toolkit.fluxcd.io/v2, helm.toolkit.fluxcd.io/v2beta2, helm.toolkit.fluxcd.io/v2beta1',
      );
    });

    it('a HelmRelease of an unknown apiVersion', () => {
      const text = release('1.22.3', '').replace('/v2\n', '/v3alpha1\n');
      expect(
        refusal(() => editor.setChartVersion(text, '1.23.0', 'a.yaml')).message,
      ).toMatch(/^a\.yaml: not a Flux HelmRelease/);
    });

    it('a HelmRelease without spec.chart.spec.version', () => {
      const text =
        'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: istiod\n';
      const error = refusal(() =>
        editor.setChartVersion(text, '1.23.0', 'ref.yaml'),
      );
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toBe(
        'ref.yaml: the HelmRelease has no spec.chart.spec.version',
      );
      expect(() => editor.readChartVersions(text, 'ref.yaml')).toThrow(
        'ref.yaml: the HelmRelease has no spec.chart.spec.version',
      );
    });

    it('a version that is not a scalar', () => {
      const text = release('\n        major: 1', '');
      expect(
        refusal(() => editor.setChartVersion(text, '1.23.0', 'map.yaml'))
          .message,
      ).toBe('map.yaml: spec.chart.spec.version is not a plain value');
    });

    it('an anchored version that other values refer to', () => {
      const text = release('&v 1.22.3', '  values:\n    tag: *v\n');
      expect(
        refusal(() => editor.setChartVersion(text, '1.23.0', 'anchor.yaml'))
          .message,
      ).toMatch(
        /^anchor\.yaml: spec\.chart\.spec\.version carries the anchor &v/,
      );
    });

    it('an empty file', () => {
      expect(
        refusal(() => editor.setChartVersion('# nothing\n', '1.23.0', 'e.yaml'))
          .message,
      ).toBe('e.yaml: holds no HelmRelease');
    });

    it('a target that is not a chart version', () => {
      for (const version of ['', '1.2.3 # x', '1.2\n3', '>=1.2']) {
        const error = refusal(() =>
          editor.setChartVersion(release('1.22.3', ''), version),
        );
        expect(error).toBeInstanceOf(InputError);
        expect(error.message).toMatch(/^version must be a chart version/);
      }
    });
  });
});
