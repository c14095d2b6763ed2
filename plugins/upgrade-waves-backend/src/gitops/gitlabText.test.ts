import fc from 'fast-check';
import type {
  Cluster,
  Wave,
  WaveCluster,
} from '@fleetdeck/plugin-upgrade-waves-common';
import type { WaveReport } from '../orchestrator/types';
import {
  mergeRequestCommitMessage,
  mergeRequestDescription,
} from './GitLabWaveMergeRequests';
import { gitlabLines, gitlabText, readGitLabText } from './gitlabText';
import { rollbackTitle, upgradeTitle } from './MergeRequestFlow';

/**
 * What GitLab would act on in a piece of text, as its own patterns see it; each entry names the finding.
 * A backslash escape counts only when the backslash is not itself escaped.
 */
function gitlabActions(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split(/\r\n|[\r\n\u2028\u2029\u0085]/)) {
    if (/^\s*\//.test(line)) found.push(`quick action: ${line}`);
  }
  const checks: Array<[string, RegExp]> = [
    ['mention', /@[\p{L}\p{N}_.-]/u],
    ['reference', /[#!~%$&][\p{L}\p{N}_"'([{-]/u],
    ['bare link', /[a-z][a-z0-9+.-]*:\/\//i],
    ['www link', /www\./i],
    ['entity', /&#?[a-z0-9]+;/i],
  ];
  for (const [name, pattern] of checks) {
    const match = pattern.exec(text);
    if (match) found.push(`${name}: ${match[0]}`);
  }
  // Markdown structure outside a backslash escape: links, images, code, emphasis, HTML, autolinks, cells.
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') {
      i++; // the escaped character is literal
      continue;
    }
    if ('[]<>|`*'.includes(text[i])) {
      found.push(`markdown ${text[i]} at ${i}`);
      break;
    }
  }
  return found;
}

/** What a reader sees: the text with line breaks and control characters as spaces, word joiners dropped. */
function asRead(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
      .replace(/\u2060/g, '')
  );
}

const hostilePieces = [
  '/merge',
  '/approve',
  '  /close',
  '/assign @me',
  '@all',
  '@here',
  '@group/sub',
  '#123',
  '!4',
  '~label',
  '~"two words"',
  '%"v1"',
  '%12',
  '$7',
  '&9',
  'group/project#1',
  'group/project!2',
  '[click](http://evil)',
  '![img](https://evil/x.png)',
  '[ref]: http://evil',
  '[ref]',
  '<http://x>',
  '<mailto:a@b>',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<!-- hidden -->',
  'https://evil.example',
  'http://evil',
  'www.evil.example',
  // eslint-disable-next-line no-script-url
  'javascript:alert(1)',
  '&#64;all',
  '&commat;all',
  '| cell | break |',
  '`code`',
  '**bold**',
  '> quote',
  '# heading',
  '\\',
  '\\@all',
  '\u2060',
  '\u200b/merge',
  '\u00a0/merge',
  '\r\n',
  '\n',
  '\r',
  '\u2028',
  '\u0085',
  '\t',
  ' ',
];

/** Any text, with GitLab's triggers and breaks far more often than chance would give them. */
const userText = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...hostilePieces) },
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
      {
        weight: 3,
        arbitrary: fc.string({
          unit: fc.constantFrom(
            ...'/@#!~%$&:[]()<>|`*_\\\n\r\t "\'=abcAZ09.-wh'.split(''),
          ),
          maxLength: 8,
        }),
      },
    ),
    { maxLength: 12 },
  )
  .map(parts => parts.join(''));

/** fast-check prints the seed and path of a failure; the seed is also given here so a run can be repeated. */
function runs<T>(numRuns: number): fc.Parameters<T> {
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  return {
    numRuns,
    seed,
    reporter(details: fc.RunDetails<T>) {
      if (details.failed) {
        throw new Error(
          `${fc.defaultReportMessage(details)}\n(repeat with FC_SEED=${seed})`,
        );
      }
    },
  };
}

describe('gitlabText', () => {
  it('leaves ordinary names as they are', () => {
    for (const name of ['test', 'prod-wave-1', '1.23.0', 'eu-west-1', 'a b']) {
      expect(gitlabText(name)).toBe(name);
    }
    expect(upgradeTitle('1.23.0', 'test')).toBe(
      'Istio upgrade to v1.23.0 for test',
    );
    expect(rollbackTitle('1.22.3', 'prod-wave-1')).toBe(
      'Rollback Istio to v1.22.3 for prod-wave-1',
    );
  });

  it('has a checker that finds each attack in the raw text (so the properties below can fail)', () => {
    const inert = new Set([
      '\u2060',
      '\r\n',
      '\n',
      '\r',
      '\u2028',
      '\u0085',
      '\t',
      ' ',
      '\\',
      '\u200b/merge',
      '# heading',
      // eslint-disable-next-line no-script-url
      'javascript:alert(1)', // not autolinked without < >
    ]);
    for (const piece of hostilePieces.filter(p => !inert.has(p))) {
      expect({ piece, found: gitlabActions(piece).length > 0 }).toEqual({
        piece,
        found: true,
      });
    }
  });

  it('turns the known attacks into inert text', () => {
    for (const piece of hostilePieces) {
      const escaped = gitlabText(`x ${piece} y`);
      expect({ piece, actions: gitlabActions(escaped) }).toEqual({
        piece,
        actions: [],
      });
      expect(gitlabActions(gitlabText(piece))).toEqual([]);
    }
  });

  it('gives text GitLab cannot act on, one line, that reads back as the original', () => {
    fc.assert(
      fc.property(userText, text => {
        const escaped = gitlabText(text);
        expect(gitlabActions(escaped)).toEqual([]);
        expect(escaped).not.toMatch(/[\r\n\u2028\u2029\u0085]/);
        expect(readGitLabText(escaped)).toBe(asRead(text));
        // letters and digits all pass, in order
        const alnum = (s: string) => s.replace(/[^\p{L}\p{N}]/gu, '');
        expect(alnum(escaped)).toBe(alnum(text));
      }),
      runs(5000),
    );
  });

  it('keeps the lines of a multi-line text, none of them actionable', () => {
    fc.assert(
      fc.property(userText, text => {
        const lines = gitlabLines(text);
        expect(lines).toHaveLength(
          text.split(/\r\n|[\r\n\u2028\u2029\u0085]/).length,
        );
        for (const line of lines) expect(gitlabActions(line)).toEqual([]);
        expect(gitlabActions(lines.join('\n'))).toEqual([]);
      }),
      runs(3000),
    );
  });

  it('keeps a Markdown table row at its number of cells whatever its cells hold', () => {
    fc.assert(
      fc.property(fc.array(userText, { minLength: 1, maxLength: 5 }), cells => {
        const line = `| ${cells.map(gitlabText).join(' | ')} |`;
        expect(line.split('\n')).toHaveLength(1);
        // cell separators are the pipes without a backslash before them
        const separators = line.match(/(?<!\\)(?:\\\\)*\|/g) ?? [];
        expect(separators).toHaveLength(cells.length + 1);
      }),
      runs(3000),
    );
  });
});

describe('the merge request text of a wave with hostile fields', () => {
  const hostile = 'ok\n/merge\n@all see [click](http://evil) <b>x</b> #1 !2 ~l';
  const wave: Wave = {
    id: '/close @all',
    batchId: 'test | !4 <http://x>',
    targetVersion: '1.23.0',
    previousVersion: '1.22.3',
    status: 'ROLLING_BACK',
    createdBy: 'user:default/@all',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    reason: hostile,
  } as Wave;
  const cluster = {
    clusterId: 'c1',
    name: '/merge\n| evil |',
    batchId: wave.batchId,
    environment: '@here',
    region: '[r](https://evil)',
    access: {},
    gitops: {
      project: 'platform/gitops',
      paths: ['a`b`.yaml', '<img src=x>.yaml'],
    },
    istioVersion: '1.22.3',
    owners: [],
    status: 'ROLLBACK_REQUIRED',
    updatedAt: '2026-01-01T00:00:00Z',
  } as Cluster;
  const report: WaveReport = {
    clusters: [
      {
        clusterId: 'c1',
        name: cluster.name,
        status: 'ROLLBACK_REQUIRED',
        statusSince: '2026-01-01T00:00:00Z',
        baseline: {
          requestRate: 10,
          errorRate: 0.01,
          latencyP95Ms: 120,
          at: '2026-01-01T00:00:00Z',
        },
      } as WaveCluster,
    ],
    checks: [
      {
        clusterId: 'c1',
        check: 'istiod',
        phase: 'pre',
        outcome: 'failed',
        message: hostile,
        durationMs: 1,
        at: '2026-01-01T00:00:00Z',
      },
    ],
  } as unknown as WaveReport;

  it.each(['upgrade', 'rollback'] as const)(
    'the %s description has nothing GitLab acts on but its own tables, and keeps the words',
    kind => {
      const description = mergeRequestDescription(
        kind,
        wave,
        [cluster],
        report,
      );
      // The builder's own Markdown: headings, table rows, bold and the fixed code span at the end.
      const own = description
        .split('\n')
        .map(line =>
          line
            .replace(/^## /, '')
            .replace(/^> /, '')
            .replace(/^\| --- (\| --- )*\|$/, '')
            .replace(/(?<!\\)(?:\\\\)*\|/g, m => m.slice(0, -1))
            .replace(/\*\*/g, '')
            .replace(/<br>/g, ' ')
            .replace(/`spec\.chart\.spec\.version`/, ''),
        )
        .join('\n');
      expect(gitlabActions(own)).toEqual([]);
      // every table row still has its four cells
      for (const line of description
        .split('\n')
        .filter(l => l.startsWith('|'))) {
        expect(line.match(/(?<!\\)(?:\\\\)*\|/g)).toHaveLength(5);
      }
      expect(readGitLabText(description)).toContain(
        '@all see [click](http://evil)',
      );
      // the rollback's reason keeps its lines, quoted; an upgrade shows no reason
      expect(description.includes(`> ${gitlabText('/merge')}`)).toBe(
        kind === 'rollback',
      );
    },
  );

  it('titles and the commit message are inert too', () => {
    const title = upgradeTitle(wave.targetVersion, wave.batchId);
    const message = mergeRequestCommitMessage(title, wave, [cluster]);
    expect(gitlabActions(title)).toEqual([]);
    expect(gitlabActions(message)).toEqual([]);
    expect(gitlabActions(rollbackTitle('1.22.3', '/merge @all'))).toEqual([]);
    expect(readGitLabText(message)).toContain('/close @all: /merge | evil |');
  });
});
