export const WORD_JOINER = '\u2060';
const WORD_JOINERS = /\u2060/g;

/** Line breaks and the other C0/C1 control characters (tabs included: a tab run may indent a code block). */
// eslint-disable-next-line no-control-regex
const BREAKS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Mentions, references, URL schemes (`http:`, so also `//`) and entities (`&#64;`). */
const TRIGGERS = new Set(['@', '#', '!', '~', '%', '$', '&', ':']);

/**
 * Markdown structure: escapes, code, emphasis, links and images, HTML and autolinks, table cells, quotes.
 * (`_` stays: intraword it is no emphasis in GitLab, and snake_case names read better in commit messages.)
 */
const MARKDOWN_ACTIVE = new Set(['\\', '`', '*', '[', ']', '<', '>', '|']);

/**
 * Text from people and clusters (reasons, comments, wave and batch ids, cluster names, check messages) as
 * Fleetdeck writes it into GitLab merge request titles, descriptions and commit messages.
 *
 * GitLab acts on plain text in all three: a line `/merge` in a description is a quick action, `@all` notifies
 * everyone, `#12`, `!4`, `~label`, `%milestone`, `$snippet`, `&epic` become references, bare URLs and
 * `[text](url)` become links, `<b>` is HTML. Commit messages and titles are not Markdown, so a Markdown escape
 * alone (`\@`) would not stop their references. Hence three measures that hold in every one of those places:
 *
 * - a WORD JOINER (U+2060, invisible, not white space) after each character that starts a mention, a
 *   reference, a URL scheme or an entity, so that no GitLab pattern matches across it;
 * - a backslash before each character that makes Markdown structure (links, images, code, emphasis, HTML,
 *   table cells, block quotes), which Markdown renders as the character itself;
 * - a WORD JOINER before a leading `/`, since GitLab runs a line that starts with `/` as a quick action.
 *
 * Line breaks and other control characters become spaces: the result is one line, so it can be a table cell,
 * a title or part of a sentence, and never begins a line of its own. Letters, digits, spaces, `.`, `-`, `,`
 * and the like pass unchanged, so ordinary names read as before (`Istio upgrade to v1.23.0 for test`).
 */
export function gitlabText(text: string): string {
  let out = '';
  for (const char of text.replace(BREAKS, ' ').replace(WORD_JOINERS, '')) {
    if (MARKDOWN_ACTIVE.has(char)) {
      out += `\\${char}`;
    } else if (TRIGGERS.has(char)) {
      out += `${char}${WORD_JOINER}`;
    } else {
      out += char;
    }
  }
  // GitLab autolinks `www.example.com` without a scheme.
  out = out.replace(/(w)(ww\.)/gi, `$1${WORD_JOINER}$2`);
  // A quick action is a line whose first character is `/`; a title or a cell may start a line.
  return /^\s*\//.test(out) ? `${WORD_JOINER}${out}` : out;
}

/** Undoes {@link gitlabText}: the text as a reader sees it (line breaks as spaces). For tests and logs. */
export function readGitLabText(escaped: string): string {
  return escaped.replace(WORD_JOINERS, '').replace(/\\(.)/gsu, '$1');
}

/** Several lines of text (a reason, a comment) as Markdown lines, each escaped; line breaks are kept. */
export function gitlabLines(text: string): string[] {
  return text.split(/\r\n|[\r\n\u2028\u2029\u0085]/).map(gitlabText);
}
