import { createHash } from 'node:crypto';

/** Who wrote a commit. */
export interface Author {
  readonly name: string;
  readonly email: string;
}

/** A commit is a full snapshot of the files (path → text); repositories here are small. */
export interface Commit {
  readonly id: string;
  readonly title: string;
  readonly message: string;
  readonly author: Author;
  readonly createdAt: string;
  readonly parentIds: readonly string[];
  readonly files: ReadonlyMap<string, string>;
}

export type CommitAction =
  | {
      action: 'create' | 'update';
      filePath: string;
      content: string;
      lastCommitId?: string;
    }
  | { action: 'delete' | 'chmod'; filePath: string; lastCommitId?: string }
  | {
      action: 'move';
      filePath: string;
      previousPath: string;
      content?: string;
      lastCommitId?: string;
    };

export interface TreeEntry {
  readonly id: string;
  readonly name: string;
  readonly type: 'tree' | 'blob';
  readonly path: string;
  readonly mode: '040000' | '100644';
}

/** One file that differs between two commits; `undefined` content means absent on that side. */
export interface FileChange {
  readonly path: string;
  readonly oldContent: string | undefined;
  readonly newContent: string | undefined;
}

/** A change the repository refuses; the message is worded as GitLab words it. */
export class RepositoryError extends Error {}

export interface MergeOutcome {
  readonly files: Map<string, string>;
  readonly conflicts: readonly string[];
}

// git check-ref-format, the parts a branch name typed by a person or a tool can break
const INVALID_BRANCH_NAME =
  /(^[-/.])|([/.]$)|(\.\.)|(\/\/)|(@\{)|(\.lock$)|[\s~^:?*[\\]/;

function isValidBranchName(name: string): boolean {
  // control characters, which the pattern above leaves out to stay readable
  return (
    !INVALID_BRANCH_NAME.test(name) &&
    ![...name].some(c => c.charCodeAt(0) < 0x20 || c === '\x7f')
  );
}

export function blobId(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1')
    .update(`blob ${bytes.length}\0`)
    .update(bytes)
    .digest('hex');
}

/**
 * A git repository reduced to what the GitLab API exposes: commits with parents, branches
 * pointing at commits, and the files of each commit.
 */
export class Repository {
  readonly #commits = new Map<string, Commit>();
  readonly #branches = new Map<string, string>();
  #sequence = 0;

  constructor(
    readonly defaultBranch: string,
    files: Record<string, string>,
    author: Author,
  ) {
    if (!isValidBranchName(defaultBranch)) {
      throw new RepositoryError('Branch name is invalid');
    }
    const root = this.#record({
      message: 'Initial commit',
      author,
      parentIds: [],
      files: new Map(Object.entries(files)),
    });
    this.#branches.set(defaultBranch, root.id);
  }

  branchNames(): string[] {
    return [...this.#branches.keys()].sort();
  }

  branchHead(name: string): Commit | undefined {
    const id = this.#branches.get(name);
    return id === undefined ? undefined : this.#commits.get(id);
  }

  /** A branch name, a full commit id, or an unambiguous id prefix, as git resolves refs. */
  resolve(ref: string): Commit | undefined {
    const head = this.branchHead(ref);
    if (head) return head;
    const exact = this.#commits.get(ref);
    if (exact) return exact;
    if (!/^[0-9a-f]{4,39}$/.test(ref)) return undefined;
    const matches = [...this.#commits.keys()].filter(id => id.startsWith(ref));
    return matches.length === 1 ? this.#commits.get(matches[0]) : undefined;
  }

  commit(id: string): Commit | undefined {
    return this.#commits.get(id);
  }

  createBranch(name: string, ref: string): Commit {
    if (!isValidBranchName(name)) {
      throw new RepositoryError('Branch name is invalid');
    }
    if (this.#branches.has(name)) {
      throw new RepositoryError('Branch already exists');
    }
    const start = this.resolve(ref);
    if (!start) throw new RepositoryError(`Invalid reference name: ${ref}`);
    this.#branches.set(name, start.id);
    return start;
  }

  deleteBranch(name: string): void {
    if (name === this.defaultBranch) {
      throw new RepositoryError('Cannot remove HEAD branch');
    }
    this.#branches.delete(name);
  }

  /**
   * Applies `actions` on top of `startBranch` (default: `branch`) and moves `branch` to the
   * new commit, creating it when it starts from another branch. Nothing changes on a refusal.
   */
  commitActions(request: {
    branch: string;
    startBranch?: string;
    message: string;
    author: Author;
    actions: readonly CommitAction[];
  }): Commit {
    const { branch, message, author, actions } = request;
    const startBranch = request.startBranch ?? branch;
    const startsElsewhere = startBranch !== branch;
    const parent = this.branchHead(startBranch);
    if (!parent) {
      throw new RepositoryError(
        startsElsewhere
          ? `Invalid reference name: ${startBranch}`
          : 'You can only create or edit files when you are on a branch',
      );
    }
    if (startsElsewhere && this.#branches.has(branch)) {
      throw new RepositoryError(
        `A branch called ${branch} already exists. Switch to that branch in order to make changes`,
      );
    }
    if (startsElsewhere && !isValidBranchName(branch)) {
      throw new RepositoryError('Branch name is invalid');
    }
    const files = new Map(parent.files);
    for (const action of actions) {
      this.#apply(files, action, startBranch);
    }
    const created = this.#record({
      message,
      author,
      parentIds: [parent.id],
      files,
    });
    this.#branches.set(branch, created.id);
    return created;
  }

  readFile(ref: string, path: string): string | undefined {
    return this.resolve(ref)?.files.get(path);
  }

  /** The newest commit on the first-parent line of `ref` that gave `path` its current content. */
  lastCommitTouching(ref: string, path: string): Commit | undefined {
    let current = this.resolve(ref);
    const content = current?.files.get(path);
    while (current) {
      const parent = this.#commits.get(current.parentIds[0] ?? '');
      if (!parent || parent.files.get(path) !== content) return current;
      current = parent;
    }
    return undefined;
  }

  /** Entries under `path` (root when empty); undefined when the ref or the folder is unknown. */
  tree(ref: string, path: string, recursive: boolean): TreeEntry[] | undefined {
    const commit = this.resolve(ref);
    if (!commit) return undefined;
    const prefix = path.replace(/^\/+|\/+$/g, '');
    const under = prefix === '' ? '' : `${prefix}/`;
    const blobs = [...commit.files.keys()].filter(p => p.startsWith(under));
    if (prefix !== '' && blobs.length === 0) return undefined;

    const entries = new Map<string, TreeEntry>();
    for (const filePath of blobs) {
      const parts = filePath.slice(under.length).split('/');
      const depth = recursive ? parts.length : 1;
      for (let i = 1; i <= depth; i++) {
        const entryPath = under + parts.slice(0, i).join('/');
        if (entries.has(entryPath)) continue;
        const isBlob = i === parts.length;
        entries.set(entryPath, {
          id: isBlob
            ? blobId(commit.files.get(filePath)!)
            : treeId(commit.files, `${entryPath}/`),
          name: parts[i - 1],
          type: isBlob ? 'blob' : 'tree',
          path: entryPath,
          mode: isBlob ? '100644' : '040000',
        });
      }
    }
    // as GitLab lists them: folders first, then files, each by name
    const rank = (entry: TreeEntry) => (entry.type === 'tree' ? 0 : 1);
    return [...entries.values()].sort(
      (a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path),
    );
  }

  /**
   * The best common ancestor, as `git merge-base` finds it: a common ancestor that is not an ancestor
   * of another common ancestor (so a branch merged earlier has its own head as merge base).
   */
  mergeBase(a: Commit, b: Commit): Commit | undefined {
    const ancestorsOfA = new Set(this.#ancestry(a).map(c => c.id));
    const common = this.#ancestry(b).filter(c => ancestorsOfA.has(c.id));
    const below = new Set<string>();
    for (const c of common) {
      for (const older of this.#ancestry(c).slice(1)) below.add(older.id);
    }
    return common.find(c => !below.has(c.id));
  }

  /** Commits reachable from `head` but not from `base`, newest first. */
  commitsBetween(base: Commit | undefined, head: Commit): Commit[] {
    const excluded = new Set(base ? this.#ancestry(base).map(c => c.id) : []);
    return this.#ancestry(head)
      .filter(c => !excluded.has(c.id))
      .sort((x, y) => y.createdAt.localeCompare(x.createdAt));
  }

  /** Commits reachable from `head`, newest first. */
  history(head: Commit): Commit[] {
    return this.commitsBetween(undefined, head);
  }

  /** File-level three-way merge: a path changed differently on both sides is a conflict. */
  threeWayMerge(source: Commit, target: Commit): MergeOutcome {
    const base =
      this.mergeBase(source, target)?.files ?? new Map<string, string>();
    const files = new Map<string, string>();
    const conflicts: string[] = [];
    const paths = new Set([
      ...source.files.keys(),
      ...target.files.keys(),
      ...base.keys(),
    ]);
    for (const path of [...paths].sort()) {
      const [b, s, t] = [
        base.get(path),
        source.files.get(path),
        target.files.get(path),
      ];
      let merged: string | undefined;
      if (s === t || s === b) merged = t;
      else if (t === b) merged = s;
      else {
        conflicts.push(path);
        merged = t;
      }
      if (merged !== undefined) files.set(path, merged);
    }
    return { files, conflicts };
  }

  /**
   * Merges `source` into `target` with a merge commit (GitLab's default merge method) and
   * returns it with the paths whose content changed on `target`.
   */
  mergeBranches(request: {
    source: string;
    target: string;
    message: string;
    author: Author;
  }): { commit: Commit; changedFiles: string[] } {
    const source = this.branchHead(request.source);
    const target = this.branchHead(request.target);
    if (!source || !target)
      throw new RepositoryError('Branch cannot be merged');
    const { files, conflicts } = this.threeWayMerge(source, target);
    if (conflicts.length > 0)
      throw new RepositoryError('Branch cannot be merged');
    const commit = this.#record({
      message: request.message,
      author: request.author,
      parentIds: [target.id, source.id],
      files,
    });
    this.#branches.set(request.target, commit.id);
    return {
      commit,
      changedFiles: diffFiles(target, commit).map(change => change.path),
    };
  }

  #apply(files: Map<string, string>, action: CommitAction, ref: string): void {
    const { filePath } = action;
    if (action.lastCommitId !== undefined) {
      const last = this.lastCommitTouching(
        ref,
        action.action === 'move' ? action.previousPath : filePath,
      );
      if (last?.id !== action.lastCommitId) {
        throw new RepositoryError(
          `The file has changed since you started editing it: ${filePath}`,
        );
      }
    }
    switch (action.action) {
      case 'create':
        if (files.has(filePath)) {
          throw new RepositoryError('A file with this name already exists');
        }
        files.set(filePath, action.content);
        return;
      case 'update':
        requireExisting(files, filePath);
        files.set(filePath, action.content);
        return;
      case 'delete':
        requireExisting(files, filePath);
        files.delete(filePath);
        return;
      case 'chmod':
        // modes are not modelled; the file has to exist all the same
        requireExisting(files, filePath);
        return;
      case 'move': {
        requireExisting(files, action.previousPath);
        if (filePath !== action.previousPath && files.has(filePath)) {
          throw new RepositoryError('A file with this name already exists');
        }
        const content = action.content ?? files.get(action.previousPath)!;
        files.delete(action.previousPath);
        files.set(filePath, content);
        return;
      }
      default:
        throw new RepositoryError('Unknown action');
    }
  }

  #ancestry(head: Commit): Commit[] {
    const seen = new Set<string>();
    const order: Commit[] = [];
    const queue = [head];
    while (queue.length > 0) {
      const commit = queue.shift()!;
      if (seen.has(commit.id)) continue;
      seen.add(commit.id);
      order.push(commit);
      for (const parentId of commit.parentIds) {
        const parent = this.#commits.get(parentId);
        if (parent) queue.push(parent);
      }
    }
    return order;
  }

  #record(draft: {
    message: string;
    author: Author;
    parentIds: string[];
    files: Map<string, string>;
  }): Commit {
    const createdAt = new Date().toISOString();
    this.#sequence += 1;
    // the sequence keeps two identical commits in the same millisecond apart
    const id = createHash('sha1')
      .update(
        [
          `tree ${treeId(draft.files, '')}`,
          ...draft.parentIds.map(p => `parent ${p}`),
          `author ${draft.author.name} <${draft.author.email}> ${createdAt}`,
          `sequence ${this.#sequence}`,
          '',
          draft.message,
        ].join('\n'),
      )
      .digest('hex');
    const commit: Commit = {
      id,
      title: draft.message.split('\n')[0],
      message: draft.message,
      author: draft.author,
      createdAt,
      parentIds: draft.parentIds,
      files: draft.files,
    };
    this.#commits.set(id, commit);
    return commit;
  }
}

/** Files that differ from `from` to `to`, by path. */
export function diffFiles(from: Commit | undefined, to: Commit): FileChange[] {
  const before = from?.files ?? new Map<string, string>();
  const paths = new Set([...before.keys(), ...to.files.keys()]);
  return [...paths]
    .sort()
    .filter(path => before.get(path) !== to.files.get(path))
    .map(path => ({
      path,
      oldContent: before.get(path),
      newContent: to.files.get(path),
    }));
}

function requireExisting(files: Map<string, string>, path: string): void {
  if (!files.has(path)) {
    throw new RepositoryError("A file with this name doesn't exist");
  }
}

function treeId(files: ReadonlyMap<string, string>, under: string): string {
  const hash = createHash('sha1');
  for (const path of [...files.keys()]
    .filter(p => p.startsWith(under))
    .sort()) {
    hash.update(`${path}\0${blobId(files.get(path)!)}\n`);
  }
  return hash.digest('hex');
}
