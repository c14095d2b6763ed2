import { InputError } from '@backstage/errors';
import {
  Composer,
  CST,
  Document,
  isMap,
  isScalar,
  LineCounter,
  parse,
  Parser,
  Scalar,
} from 'yaml';

/** The apiVersions of Flux's HelmRelease this editor accepts. */
export const HELM_RELEASE_API_VERSIONS = [
  'helm.toolkit.fluxcd.io/v2',
  'helm.toolkit.fluxcd.io/v2beta2',
  'helm.toolkit.fluxcd.io/v2beta1',
] as const;

const VERSION_PATH = ['spec', 'chart', 'spec', 'version'] as const;
const VERSION_FIELD = VERSION_PATH.join('.');

// A chart version or tag: what Helm accepts as a SemVer 2 version, plus a leading `v`.
const CHART_VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]*$/;

/** The result of {@link HelmReleaseEditor.setChartVersion}. */
export interface ChartVersionChange {
  /** The file with the new versions; the input itself when nothing changed. */
  text: string;
  changed: boolean;
  /** The version each HelmRelease of the file had, in document order. */
  previousVersions: string[];
}

interface VersionScalar {
  document: Document.Parsed;
  node: Scalar;
  token: CST.FlowScalar | CST.BlockScalar;
  inFlow: boolean;
  previous: string;
}

/**
 * Edits the chart version of Flux HelmRelease files the way a person would: only the
 * `spec.chart.spec.version` scalar of each HelmRelease changes, and every other byte of the
 * file (comments, blank lines, indentation, quoting, key order, line endings, other fields)
 * stays as it was.
 *
 * The edit goes through the `yaml` package's concrete syntax tree, which the Document AST is
 * composed from: the documents locate the version scalar, and `CST.setScalarValue` rewrites
 * that one token, so the file is never re-stringified and never searched as text.
 */
export class HelmReleaseEditor {
  /** The chart version of every HelmRelease in `text`, in document order. */
  readChartVersions(text: string, file?: string): string[] {
    return this.#locate(text, file).scalars.map(scalar => scalar.previous);
  }

  /**
   * Sets `spec.chart.spec.version` of every HelmRelease in `text` to `version`, keeping the
   * scalar's quoting style (a plain scalar is double-quoted only when, plain, it would not read
   * back as the same string, e.g. `1.24` or `null`).
   *
   * Throws an `InputError` naming the file when the text is not YAML, a document is not a
   * HelmRelease, or a HelmRelease has no chart version.
   */
  setChartVersion(
    text: string,
    version: string,
    file?: string,
  ): ChartVersionChange {
    assertChartVersion(version);
    const { tokens, scalars } = this.#locate(text, file);
    const previousVersions = scalars.map(scalar => scalar.previous);
    const changing = scalars.filter(scalar => scalar.previous !== version);
    if (changing.length === 0) {
      return { text, changed: false, previousVersions };
    }

    for (const scalar of changing) {
      const type =
        scalar.node.type === 'PLAIN' &&
        !readsBackAsString(version, scalar.document)
          ? 'QUOTE_DOUBLE'
          : undefined;
      CST.setScalarValue(scalar.token, version, {
        inFlow: scalar.inFlow,
        type,
      });
    }
    const edited = tokens.map(token => CST.stringify(token)).join('');

    // a guard against a yaml release that stringifies differently: the edit must read back
    const check = this.#locate(edited, file).scalars.map(s => s.node.value);
    if (check.length !== scalars.length || check.some(v => v !== version)) {
      throw new Error(
        `${describe(
          file,
        )}: setting ${VERSION_FIELD} to ${version} did not read back`,
      );
    }
    return { text: edited, changed: true, previousVersions };
  }

  #locate(
    text: string,
    file: string | undefined,
  ): { tokens: CST.Token[]; scalars: VersionScalar[] } {
    if (typeof text !== 'string') {
      throw new InputError(`${describe(file)}: the content is not text`);
    }
    const lines = new LineCounter();
    const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
    const documents = Array.from(
      new Composer({ keepSourceTokens: true }).compose(tokens),
    );
    const scalars: VersionScalar[] = [];
    documents.forEach((document, index) => {
      const where =
        documents.length > 1
          ? `${describe(file)}, document ${index + 1}`
          : describe(file);
      if (document.errors.length > 0) {
        const [error] = document.errors;
        const { line, col } = lines.linePos(error.pos[0]);
        throw new InputError(
          `${where}: not valid YAML at line ${line}, column ${col}: ${error.message}`,
        );
      }
      // a document of only comments (e.g. after a trailing `---`) holds nothing to edit
      if (isEmpty(document)) return;
      scalars.push(versionScalar(document, where));
    });
    if (scalars.length === 0) {
      throw new InputError(`${describe(file)}: holds no HelmRelease`);
    }
    return { tokens, scalars };
  }
}

/** Throws an `InputError` naming `version` unless it is a chart version such as `1.22.3`. */
export function assertChartVersion(
  version: unknown,
): asserts version is string {
  if (typeof version !== 'string' || !CHART_VERSION.test(version)) {
    throw new InputError(
      `version must be a chart version such as 1.22.3, not ${JSON.stringify(
        version,
      )}`,
    );
  }
}

function versionScalar(
  document: Document.Parsed,
  where: string,
): VersionScalar {
  const kind = document.get('kind');
  const apiVersion = document.get('apiVersion');
  if (
    kind !== 'HelmRelease' ||
    !(HELM_RELEASE_API_VERSIONS as readonly unknown[]).includes(apiVersion)
  ) {
    const found =
      kind === undefined && apiVersion === undefined
        ? 'no kind or apiVersion'
        : `kind ${String(kind)} of ${String(apiVersion)}`;
    throw new InputError(
      `${where}: not a Flux HelmRelease (${found}); expected kind HelmRelease of ${HELM_RELEASE_API_VERSIONS.join(
        ', ',
      )}`,
    );
  }
  const parent = document.getIn(VERSION_PATH.slice(0, -1), true);
  const node = isMap(parent) ? parent.get('version', true) : undefined;
  if (node === undefined) {
    throw new InputError(`${where}: the HelmRelease has no ${VERSION_FIELD}`);
  }
  if (!isScalar(node) || !node.srcToken || !CST.isScalar(node.srcToken)) {
    throw new InputError(`${where}: ${VERSION_FIELD} is not a plain value`);
  }
  if (node.anchor) {
    // rewriting an anchored scalar would change every alias of it as well
    throw new InputError(
      `${where}: ${VERSION_FIELD} carries the anchor &${node.anchor}; other values refer to it`,
    );
  }
  const { value } = CST.resolveAsScalar(node.srcToken);
  return {
    document,
    node,
    token: node.srcToken,
    inFlow: isMap(parent) && Boolean(parent.flow),
    previous: value,
  };
}

function isEmpty(document: Document.Parsed): boolean {
  const { contents } = document;
  return (
    contents === null ||
    (isScalar(contents) && contents.value === null && !contents.source)
  );
}

function readsBackAsString(value: string, document: Document.Parsed): boolean {
  return parse(value, { version: document.directives.yaml.version }) === value;
}

function describe(file: string | undefined): string {
  return file ?? 'HelmRelease file';
}
