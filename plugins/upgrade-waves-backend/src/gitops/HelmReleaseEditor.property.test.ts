import fc from 'fast-check';
import { isMap, isScalar, parseAllDocuments } from 'yaml';
import {
  HELM_RELEASE_API_VERSIONS,
  HelmReleaseEditor,
} from './HelmReleaseEditor';

/*
 * HelmRelease files as people write them, generated: comments above keys and after values,
 * blank lines, 2- or 4-space indentation, plain / single- / double-quoted scalars, keys in any
 * order, extra fields, nested values blocks (with their own `version` keys), several documents,
 * LF or CRLF line ends. The editor must change exactly the chart version scalars.
 */

type Style = 'plain' | 'single' | 'double';

type YamlNode =
  | { scalar: string }
  | { map: YamlEntry[] }
  | { seq: Array<{ scalar: string }> };

interface YamlEntry {
  key: string;
  value: YamlNode;
  commentsBefore: string[];
  trailingComment?: string;
  blankBefore: boolean;
}

interface GeneratedRelease {
  entries: YamlEntry[];
  version: string;
}

interface GeneratedFile {
  text: string;
  versions: string[];
  styles: Style[];
}

const comment = fc.stringMatching(/^[ -~]{0,24}$/);

const semver = fc
  .tuple(
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 40 }),
    fc.integer({ min: 0, max: 12 }),
    fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
  )
  .map(
    ([major, minor, patch, rc]) =>
      `${major}.${minor}.${patch}${rc === undefined ? '' : `-rc.${rc}`}`,
  );

const printable = fc.stringMatching(/^[ -~]{0,16}$/);

const scalarSource: fc.Arbitrary<string> = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
  fc.integer({ min: -1000, max: 100000 }).map(String),
  fc.constantFrom('true', 'false', '10m', '/dev/stdout', '1.22.3', 'null'),
  printable.map(s => JSON.stringify(s)),
  printable.map(s => `'${s.replace(/'/g, "''")}'`),
);

function quote(version: string, style: Style): string {
  switch (style) {
    case 'single':
      return `'${version}'`;
    case 'double':
      return `"${version}"`;
    default:
      return version;
  }
}

function entry(key: string, value: YamlNode): fc.Arbitrary<YamlEntry> {
  return fc.record({
    key: fc.constant(key),
    value: fc.constant(value),
    commentsBefore: fc.array(comment, { maxLength: 2 }),
    trailingComment: fc.option(comment, { nil: undefined }),
    blankBefore: fc.boolean(),
  });
}

function scalarEntry(key: string, source: fc.Arbitrary<string>) {
  return source.chain(s => entry(key, { scalar: s }));
}

function mapEntry(key: string, entries: fc.Arbitrary<YamlEntry[]>) {
  return entries.chain(map => entry(key, { map }));
}

/** Keys in any order: a permutation of the given entries. */
function anyOrder(
  entries: Array<fc.Arbitrary<YamlEntry>>,
): fc.Arbitrary<YamlEntry[]> {
  return fc
    .tuple(...entries)
    .chain(all => fc.shuffledSubarray(all, { minLength: all.length }));
}

/** Fields a generator may add at any level; the `x` prefix keeps them clear of Flux's keys. */
const extraEntries = fc
  .uniqueArray(fc.stringMatching(/^x[a-z0-9]{0,6}$/), { maxLength: 3 })
  .chain(keys => fc.tuple(...keys.map(key => scalarEntry(key, scalarSource))));

const valuesKey = fc.oneof(
  fc.constantFrom('version', 'tag', 'image', 'chart', 'spec', 'replicas'),
  fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,8}$/),
);

/** A values block: scalars, lists and, when given, the maps `below` as values. */
function valuesNode(
  below?: fc.Arbitrary<YamlEntry[]>,
): fc.Arbitrary<YamlEntry[]> {
  return fc.uniqueArray(valuesKey, { minLength: 1, maxLength: 4 }).chain(keys =>
    fc.tuple(
      ...keys.map(k =>
        !below
          ? scalarEntry(k, scalarSource)
          : fc.oneof(
              scalarEntry(k, scalarSource),
              mapEntry(k, below),
              fc
                .array(scalarSource, { minLength: 1, maxLength: 3 })
                .chain(items =>
                  entry(k, { seq: items.map(s => ({ scalar: s })) }),
                ),
            ),
      ),
    ),
  );
}

const valuesBlock = valuesNode(valuesNode(valuesNode()));

function helmRelease(style: Style): fc.Arbitrary<GeneratedRelease> {
  return semver.chain(version => {
    const chartSpec = fc
      .tuple(
        anyOrder([
          scalarEntry('chart', fc.constantFrom('base', 'istiod', 'gateway')),
          scalarEntry('version', fc.constant(quote(version, style))),
          mapEntry(
            'sourceRef',
            anyOrder([
              scalarEntry('kind', fc.constant('HelmRepository')),
              scalarEntry('name', fc.constant('istio')),
            ]),
          ),
        ]),
        extraEntries,
      )
      .map(([known, extra]) => [...known, ...extra]);
    const spec = fc
      .tuple(
        anyOrder([
          scalarEntry('interval', fc.constantFrom('10m', '"5m"', "'1h'")),
          mapEntry(
            'chart',
            chartSpec.chain(s => entry('spec', { map: s }).map(e => [e])),
          ),
          mapEntry('values', valuesBlock),
        ]),
        extraEntries,
      )
      .map(([known, extra]) => [...known, ...extra]);
    const entries = fc
      .tuple(
        anyOrder([
          scalarEntry(
            'apiVersion',
            fc.constantFrom(...HELM_RELEASE_API_VERSIONS),
          ),
          scalarEntry('kind', fc.constant('HelmRelease')),
          mapEntry(
            'metadata',
            anyOrder([
              scalarEntry('name', fc.constant('istiod')),
              scalarEntry('namespace', fc.constant('istio-system')),
            ]),
          ),
          mapEntry('spec', spec),
        ]),
        extraEntries,
      )
      .map(([known, extra]) => [...known, ...extra]);
    return entries.map(e => ({ entries: e, version }));
  });
}

function render(entries: YamlEntry[], indent: number, unit: number): string[] {
  const lines: string[] = [];
  const pad = ' '.repeat(indent);
  for (const e of entries) {
    if (e.blankBefore) lines.push('');
    for (const c of e.commentsBefore) lines.push(`${pad}#${c}`);
    const trailing =
      e.trailingComment === undefined ? '' : ` #${e.trailingComment}`;
    if ('scalar' in e.value) {
      lines.push(`${pad}${e.key}: ${e.value.scalar}${trailing}`);
    } else if ('map' in e.value) {
      lines.push(`${pad}${e.key}:${trailing}`);
      lines.push(...render(e.value.map, indent + unit, unit));
    } else {
      lines.push(`${pad}${e.key}:${trailing}`);
      for (const item of e.value.seq) {
        lines.push(`${' '.repeat(indent + unit)}- ${item.scalar}`);
      }
    }
  }
  return lines;
}

const releaseIn: Record<Style, fc.Arbitrary<GeneratedRelease>> = {
  plain: helmRelease('plain'),
  single: helmRelease('single'),
  double: helmRelease('double'),
};

const helmReleaseFile: fc.Arbitrary<GeneratedFile> = fc
  .record({
    unit: fc.constantFrom(2, 4),
    eol: fc.constantFrom('\n', '\r\n'),
    styles: fc.array(fc.constantFrom<Style>('plain', 'single', 'double'), {
      minLength: 1,
      maxLength: 3,
    }),
    header: fc.array(comment, { maxLength: 2 }),
    leadingMarker: fc.boolean(),
    endMarkers: fc.boolean(),
    footer: fc.array(comment, { maxLength: 2 }),
  })
  .chain(options =>
    fc.tuple(...options.styles.map(style => releaseIn[style])).map(releases => {
      const lines: string[] = options.header.map(c => `#${c}`);
      releases.forEach((r, index) => {
        if (index > 0) {
          if (options.endMarkers) lines.push('...');
          lines.push('---');
        } else if (options.leadingMarker) {
          lines.push('---');
        }
        lines.push(...render(r.entries, 0, options.unit));
      });
      lines.push(...options.footer.map(c => `#${c}`));
      return {
        text: `${lines.join(options.eol)}${options.eol}`,
        versions: releases.map(r => r.version),
        styles: options.styles,
      };
    }),
  );

const VERSION_PATH = ['spec', 'chart', 'spec', 'version'];

/** The data of every document, as plain JS. */
function data(text: string): unknown[] {
  return parseAllDocuments(text).map(doc => {
    expect(doc.errors).toEqual([]);
    return doc.toJS();
  });
}

/** The source range of each document's version scalar, read through yaml's own AST. */
function versionRanges(text: string): Array<[number, number]> {
  return parseAllDocuments(text).map(doc => {
    const node = doc.getIn(VERSION_PATH, true);
    if (!isScalar(node) || !node.range) throw new Error('no version scalar');
    return [node.range[0], node.range[1]];
  });
}

function withVersion(document: unknown, version: string): unknown {
  const copy = structuredClone(document) as {
    spec: { chart: { spec: { version: string } } };
  };
  copy.spec.chart.spec.version = version;
  return copy;
}

describe('HelmReleaseEditor on generated HelmRelease files', () => {
  const editor = new HelmReleaseEditor();

  it('changes exactly the chart version scalars, in their own quoting style', () => {
    fc.assert(
      fc.property(helmReleaseFile, semver, (file, target) => {
        const result = editor.setChartVersion(file.text, target, 'gen.yaml');

        expect(result.previousVersions).toEqual(file.versions);
        expect(result.changed).toBe(file.versions.some(v => v !== target));

        // the data is the same but for the chart versions
        expect(data(result.text)).toEqual(
          data(file.text).map(document => withVersion(document, target)),
        );

        // the text is the input with each old version scalar replaced at its offsets
        let expected = file.text;
        const ranges = versionRanges(file.text);
        for (let i = ranges.length - 1; i >= 0; i--) {
          if (file.versions[i] === target) continue;
          const [start, end] = ranges[i];
          expected =
            expected.slice(0, start) +
            quote(target, file.styles[i]) +
            expected.slice(end);
        }
        expect(result.text).toBe(expected);

        expect(editor.readChartVersions(result.text)).toEqual(
          file.versions.map(() => target),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('leaves a file untouched when every release is already on the version', () => {
    fc.assert(
      fc.property(
        helmReleaseFile.filter(f => new Set(f.versions).size === 1),
        file => {
          const result = editor.setChartVersion(file.text, file.versions[0]);
          expect(result).toEqual({
            text: file.text,
            changed: false,
            previousVersions: file.versions,
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('generates only HelmRelease documents (a check of the generator)', () => {
    // guards the generator itself: every document is a HelmRelease with a chart version
    fc.assert(
      fc.property(helmReleaseFile, file => {
        const docs = parseAllDocuments(file.text);
        expect(docs).toHaveLength(file.versions.length);
        for (const doc of docs) {
          expect(isMap(doc.contents)).toBe(true);
          expect(doc.get('kind')).toBe('HelmRelease');
        }
      }),
      { numRuns: 50 },
    );
  });
});
