import { Repository, RepositoryError } from './Repository';

const author = { name: 'Tester', email: 'tester@fleetdeck.invalid' };

function repository() {
  return new Repository(
    'main',
    { 'values.yaml': 'v: 1\n', 'README.md': 'hi\n' },
    author,
  );
}

describe('Repository', () => {
  it('leaves the branch where it was when one action of a commit is refused', () => {
    const repo = repository();
    const before = repo.branchHead('main')!.id;
    expect(() =>
      repo.commitActions({
        branch: 'main',
        message: 'half',
        author,
        actions: [
          { action: 'update', filePath: 'values.yaml', content: 'v: 2\n' },
          { action: 'update', filePath: 'missing.yaml', content: 'x' },
        ],
      }),
    ).toThrow(new RepositoryError("A file with this name doesn't exist"));
    expect(repo.branchHead('main')!.id).toBe(before);
    expect(repo.readFile('main', 'values.yaml')).toBe('v: 1\n');
  });

  it('refuses branch names git refuses', () => {
    const repo = repository();
    for (const name of [
      '-x',
      'a..b',
      'a b',
      'x.lock',
      'a//b',
      'ends/',
      'a~1',
    ]) {
      expect(() => repo.createBranch(name, 'main')).toThrow(
        'Branch name is invalid',
      );
    }
    expect(repo.createBranch('feature/istio-1.22.3-test', 'main').id).toBe(
      repo.branchHead('main')!.id,
    );
    expect(() =>
      repo.createBranch('feature/istio-1.22.3-test', 'main'),
    ).toThrow('Branch already exists');
    expect(() => repo.createBranch('other', 'nope')).toThrow(
      'Invalid reference name: nope',
    );
  });

  it('resolves a unique commit id prefix', () => {
    const repo = repository();
    const head = repo.branchHead('main')!;
    expect(repo.resolve(head.id.slice(0, 8))).toBe(head);
    expect(repo.resolve('zzzzzzzz')).toBeUndefined();
  });

  it('names the commit that last changed a file', () => {
    const repo = repository();
    const first = repo.commitActions({
      branch: 'main',
      message: 'bump',
      author,
      actions: [
        { action: 'update', filePath: 'values.yaml', content: 'v: 2\n' },
      ],
    });
    const second = repo.commitActions({
      branch: 'main',
      message: 'readme',
      author,
      actions: [
        { action: 'update', filePath: 'README.md', content: 'hello\n' },
      ],
    });
    expect(repo.lastCommitTouching('main', 'values.yaml')!.id).toBe(first.id);
    expect(repo.lastCommitTouching('main', 'README.md')!.id).toBe(second.id);
  });

  it('refuses an action whose last_commit_id is stale', () => {
    const repo = repository();
    const stale = repo.lastCommitTouching('main', 'values.yaml')!.id;
    repo.commitActions({
      branch: 'main',
      message: 'bump',
      author,
      actions: [
        { action: 'update', filePath: 'values.yaml', content: 'v: 2\n' },
      ],
    });
    expect(() =>
      repo.commitActions({
        branch: 'main',
        message: 'late',
        author,
        actions: [
          {
            action: 'update',
            filePath: 'values.yaml',
            content: 'v: 3\n',
            lastCommitId: stale,
          },
        ],
      }),
    ).toThrow('The file has changed since you started editing it: values.yaml');
  });

  it('merges changes to different files from both sides', () => {
    const repo = repository();
    repo.createBranch('topic', 'main');
    repo.commitActions({
      branch: 'topic',
      message: 'topic',
      author,
      actions: [
        { action: 'update', filePath: 'values.yaml', content: 'v: 2\n' },
      ],
    });
    repo.commitActions({
      branch: 'main',
      message: 'main',
      author,
      actions: [{ action: 'delete', filePath: 'README.md' }],
    });
    const { commit, changedFiles } = repo.mergeBranches({
      source: 'topic',
      target: 'main',
      message: 'merge',
      author,
    });
    expect(changedFiles).toEqual(['values.yaml']);
    expect(Object.fromEntries(commit.files)).toEqual({
      'values.yaml': 'v: 2\n',
    });
    expect(commit.parentIds).toHaveLength(2);
    expect(repo.branchHead('main')).toBe(commit);
  });

  it('reports a file changed differently on both sides as a conflict', () => {
    const repo = repository();
    repo.createBranch('topic', 'main');
    for (const [branch, content] of [
      ['topic', 'v: 2\n'],
      ['main', 'v: 3\n'],
    ]) {
      repo.commitActions({
        branch,
        message: branch,
        author,
        actions: [{ action: 'update', filePath: 'values.yaml', content }],
      });
    }
    const { conflicts } = repo.threeWayMerge(
      repo.branchHead('topic')!,
      repo.branchHead('main')!,
    );
    expect(conflicts).toEqual(['values.yaml']);
    expect(() =>
      repo.mergeBranches({
        source: 'topic',
        target: 'main',
        message: 'merge',
        author,
      }),
    ).toThrow('Branch cannot be merged');
  });

  it('lists a folder, then its files, by name', () => {
    const repo = new Repository(
      'main',
      { 'b.txt': '', 'a/x.txt': '', 'a/y/z.txt': '' },
      author,
    );
    expect(repo.tree('main', '', false)!.map(e => e.path)).toEqual([
      'a',
      'b.txt',
    ]);
    expect(repo.tree('main', 'a', true)!.map(e => e.path)).toEqual([
      'a/y',
      'a/x.txt',
      'a/y/z.txt',
    ]);
    expect(repo.tree('main', 'nope', false)).toBeUndefined();
  });

  it('starts empty, and its first commit makes the branch it lands on the default one', () => {
    const repo = new Repository('main', undefined, author);
    expect(repo.isEmpty()).toBe(true);
    expect(repo.branchNames()).toEqual([]);
    expect(() =>
      repo.commitActions({
        branch: 'trunk',
        startBranch: 'main',
        message: 'x',
        author,
        actions: [],
      }),
    ).toThrow('Invalid reference name: main');
    const first = repo.commitActions({
      branch: 'trunk',
      message: 'first',
      author,
      actions: [{ action: 'create', filePath: 'a.txt', content: 'a\n' }],
    });
    expect(first.parentIds).toEqual([]);
    expect(repo.defaultBranch).toBe('trunk');
    expect(repo.isEmpty()).toBe(false);
  });

  it('keeps file modes through changes, moves and merges, and sets them with chmod', () => {
    const repo = repository();
    repo.commitActions({
      branch: 'main',
      message: 'executable',
      author,
      actions: [
        { action: 'create', filePath: 'run.sh', content: '#!/bin/sh\n' },
        { action: 'chmod', filePath: 'run.sh', executeFilemode: true },
      ],
    });
    repo.commitActions({
      branch: 'topic',
      startBranch: 'main',
      message: 'move',
      author,
      actions: [
        { action: 'move', filePath: 'bin/run.sh', previousPath: 'run.sh' },
      ],
    });
    repo.mergeBranches({
      source: 'topic',
      target: 'main',
      message: 'm',
      author,
    });
    const modes = repo.tree('main', '', true)!.map(e => [e.path, e.mode]);
    expect(modes).toEqual([
      ['bin', '040000'],
      ['bin/run.sh', '100755'],
      ['README.md', '100644'],
      ['values.yaml', '100644'],
    ]);
    repo.commitActions({
      branch: 'main',
      message: 'not executable',
      author,
      actions: [
        { action: 'chmod', filePath: 'bin/run.sh', executeFilemode: false },
      ],
    });
    expect(repo.tree('main', 'bin', false)![0].mode).toBe('100644');
  });

  it('takes the branches a push left, choosing main, then master, as the default of an empty repository', () => {
    const source = repository();
    const head = source.branchHead('main')!;
    const pushed = new Repository('develop', undefined, author);
    pushed.importCommit({
      ...head,
      object: source.objectsOf(head.id)!.commit,
    });
    pushed.adoptBranches(
      new Map([
        ['feature', head.id],
        ['master', head.id],
      ]),
    );
    expect(pushed.defaultBranch).toBe('master');
    expect(pushed.branchNames()).toEqual(['feature', 'master']);
    expect(pushed.readFile('master', 'values.yaml')).toBe('v: 1\n');
    expect(() =>
      pushed.adoptBranches(new Map([['x', '0'.repeat(40)]])),
    ).toThrow('was not imported');
  });
});
