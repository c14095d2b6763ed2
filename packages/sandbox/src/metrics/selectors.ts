/**
 * Label matchers as PromQL and Alertmanager write them: `name="value"`,
 * `name!="value"`, `name=~"regex"`, `name!~"regex"`.
 */

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  name: string;
  type: MatchType;
  value: string;
  matches(labelValue: string | undefined): boolean;
}

export type Labels = Record<string, string>;

export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function createMatcher(
  name: string,
  type: MatchType,
  value: string,
): LabelMatcher {
  // Prometheus anchors regex matchers at both ends.
  const regex =
    type === '=~' || type === '!~' ? new RegExp(`^(?:${value})$`) : undefined;
  return {
    name,
    type,
    value,
    matches(labelValue) {
      // A missing label matches like an empty value, as in Prometheus.
      const actual = labelValue ?? '';
      switch (type) {
        case '=':
          return actual === value;
        case '!=':
          return actual !== value;
        case '=~':
          return regex!.test(actual);
        default:
          return !regex!.test(actual);
      }
    },
  };
}

export function matchesAll(labels: Labels, matchers: LabelMatcher[]): boolean {
  return matchers.every(matcher => matcher.matches(labels[matcher.name]));
}

/** Undoes the escapes of a PromQL string literal (the common ones). */
function unescape(body: string): string {
  return body.replace(/\\(.)/g, (_, char: string) => {
    switch (char) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      default:
        return char;
    }
  });
}

const STRING_LITERAL = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;
const MATCHER_IN_QUERY =
  /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)/g;
const IDENTIFIER = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;

export interface QuerySelection {
  /** The first identifier in the query that `isKnownMetric` accepts. */
  metric?: string;
  matchers: LabelMatcher[];
}

/**
 * Picks the series a query is about: the first known metric name in it and
 * every `label<op>"value"` matcher anywhere in it. Functions, aggregations,
 * ranges and offsets are ignored; this is not a PromQL parser.
 *
 * @throws Error for a regex matcher that does not compile.
 */
export function selectFromQuery(
  query: string,
  isKnownMetric: (name: string) => boolean,
): QuerySelection {
  const matchers: LabelMatcher[] = [];
  for (const match of query.matchAll(MATCHER_IN_QUERY)) {
    const literal = match[3];
    const body =
      literal[0] === '`'
        ? literal.slice(1, -1)
        : unescape(literal.slice(1, -1));
    matchers.push(createMatcher(match[1], match[2] as MatchType, body));
  }
  // Blank out string literals so label values are never taken for metric names.
  const code = query.replace(STRING_LITERAL, '""');
  const metric = [...code.matchAll(IDENTIFIER)]
    .map(match => match[0])
    .find(isKnownMetric);
  return { metric, matchers };
}

/**
 * Parses one Alertmanager `filter` matcher: `cluster="eu-1"`, `severity=~"crit.*"`
 * or unquoted `cluster=eu-1`, optionally inside braces.
 *
 * @throws Error `bad matcher format: …` as Alertmanager words it.
 */
export function parseFilterMatcher(text: string): LabelMatcher {
  const trimmed = text.trim().replace(/^\{\s*(.*?)\s*\}$/, '$1');
  const match = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*)$/.exec(
    trimmed,
  );
  if (!match) {
    throw new Error(`bad matcher format: ${text}`);
  }
  let value = match[3].trim();
  if (value.startsWith('"')) {
    if (value.length < 2 || !value.endsWith('"')) {
      throw new Error(`bad matcher format: ${text}`);
    }
    value = unescape(value.slice(1, -1));
  }
  return createMatcher(match[1], match[2] as MatchType, value);
}
