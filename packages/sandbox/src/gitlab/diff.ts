type Edit = { kind: ' ' | '-' | '+'; text: string };

const CONTEXT_LINES = 3;
const NO_NEWLINE = '\\ No newline at end of file';

/**
 * The hunks of a unified diff from `oldText` to `newText` (undefined: the file is absent), as
 * GitLab puts them in a diff's `diff` field: `@@ … @@` headers, no `---`/`+++` lines.
 */
export function unifiedDiff(
  oldText: string | undefined,
  newText: string | undefined,
): string {
  const oldLines = splitLines(oldText ?? '');
  const newLines = splitLines(newText ?? '');
  const edits = editScript(oldLines, newLines);
  let out = '';
  for (const [start, end] of hunkRanges(edits)) {
    const before = edits.slice(0, start);
    const hunk = edits.slice(start, end);
    const oldStart = before.filter(e => e.kind !== '+').length;
    const newStart = before.filter(e => e.kind !== '-').length;
    const oldCount = hunk.filter(e => e.kind !== '+').length;
    const newCount = hunk.filter(e => e.kind !== '-').length;
    out += `@@ -${range(oldStart, oldCount)} +${range(
      newStart,
      newCount,
    )} @@\n`;
    for (const edit of hunk) out += `${edit.kind}${edit.text}\n`;
  }
  return out;
}

/** Added and removed line counts, for a commit's `stats`. */
export function lineStats(
  oldText: string | undefined,
  newText: string | undefined,
): { additions: number; deletions: number } {
  const edits = editScript(
    splitLines(oldText ?? ''),
    splitLines(newText ?? ''),
  );
  return {
    additions: edits.filter(e => e.kind === '+').length,
    deletions: edits.filter(e => e.kind === '-').length,
  };
}

// A last line without a newline carries git's marker, so that adding the newline is a change.
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += `\n${NO_NEWLINE}`;
  return lines;
}

// git's hunk range: "start,count", the count left out when it is 1, start 0 for an empty side
function range(linesBefore: number, count: number): string {
  const start = count === 0 ? linesBefore : linesBefore + 1;
  return count === 1 ? `${start}` : `${start},${count}`;
}

/** A shortest edit script by longest common subsequence, common head and tail trimmed first. */
function editScript(a: string[], b: string[]): Edit[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail++;
  }
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);

  // lcs[i][j]: length of the common subsequence of midA[i..] and midB[j..]
  const lcs = Array.from(
    { length: midA.length + 1 },
    () => new Uint32Array(midB.length + 1),
  );
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lcs[i][j] =
        midA[i] === midB[j]
          ? lcs[i + 1][j + 1] + 1
          : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const middle: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < midA.length || j < midB.length) {
    if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
      middle.push({ kind: ' ', text: midA[i++] });
      j++;
    } else if (
      j < midB.length &&
      (i === midA.length || lcs[i][j + 1] >= lcs[i + 1][j])
    ) {
      middle.push({ kind: '+', text: midB[j++] });
    } else {
      middle.push({ kind: '-', text: midA[i++] });
    }
  }
  // git lists a replaced block's removals before its additions
  const ordered = reorderReplacements(middle);
  return [
    ...a.slice(0, head).map(text => ({ kind: ' ' as const, text })),
    ...ordered,
    ...a.slice(a.length - tail).map(text => ({ kind: ' ' as const, text })),
  ];
}

function reorderReplacements(edits: Edit[]): Edit[] {
  const out: Edit[] = [];
  let run: Edit[] = [];
  const flush = () => {
    out.push(
      ...run.filter(e => e.kind === '-'),
      ...run.filter(e => e.kind === '+'),
    );
    run = [];
  };
  for (const edit of edits) {
    if (edit.kind === ' ') {
      flush();
      out.push(edit);
    } else {
      run.push(edit);
    }
  }
  flush();
  return out;
}

/** [start, end) index ranges of hunks: changes with their context, close ones joined. */
function hunkRanges(edits: Edit[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  edits.forEach((edit, index) => {
    if (edit.kind === ' ') return;
    const start = Math.max(0, index - CONTEXT_LINES);
    const end = Math.min(edits.length, index + 1 + CONTEXT_LINES);
    const last = ranges[ranges.length - 1];
    if (last && start <= last[1]) last[1] = end;
    else ranges.push([start, end]);
  });
  return ranges;
}
