import { lineStats, unifiedDiff } from './diff';

describe('unifiedDiff', () => {
  it('shows a new file as one hunk of additions', () => {
    expect(unifiedDiff(undefined, 'a\nb\n')).toBe('@@ -0,0 +1,2 @@\n+a\n+b\n');
  });

  it('shows a deleted file as one hunk of removals', () => {
    expect(unifiedDiff('a\n', undefined)).toBe('@@ -1 +0,0 @@\n-a\n');
  });

  it('keeps three lines of context and splits distant changes into hunks', () => {
    const before = `${Array.from(
      { length: 20 },
      (_, i) => `line ${i + 1}`,
    ).join('\n')}\n`;
    const after = before
      .replace('line 2\n', 'line two\n')
      .replace('line 18\n', 'line eighteen\n');
    expect(unifiedDiff(before, after)).toBe(
      [
        '@@ -1,5 +1,5 @@',
        ' line 1',
        '-line 2',
        '+line two',
        ' line 3',
        ' line 4',
        ' line 5',
        '@@ -15,6 +15,6 @@',
        ' line 15',
        ' line 16',
        ' line 17',
        '-line 18',
        '+line eighteen',
        ' line 19',
        ' line 20',
        '',
      ].join('\n'),
    );
  });

  it('marks a last line without a newline as git does', () => {
    expect(unifiedDiff('a', 'a\n')).toBe(
      '@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n',
    );
  });

  it('gives nothing for equal texts', () => {
    expect(unifiedDiff('same\n', 'same\n')).toBe('');
  });
});

describe('lineStats', () => {
  it('counts added and removed lines', () => {
    expect(lineStats('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual({
      additions: 2,
      deletions: 1,
    });
  });
});
