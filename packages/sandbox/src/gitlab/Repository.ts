import {
  commitObject,
  FileMode,
  gitObject,
  GitObject,
  REGULAR_FILE,
  snapshotTrees,
} from './gitObjects';

/** Who wrote a commit. */
export interface Author {
  readonly name: string;
  readonly email: string;
}

/**
 * A commit is a full snapshot of the files (path → text); repositories here are small. Its id is
 * the id git gives the same commit, so a bare repository can hold it unchanged.
 */
export interface Commit {
  readonly id: string;
  readonly title: string;
  readonly message: string;
  readonly author: Author;
  readonly createdAt: string;
  readonly parentIds: readonly string[];
  readonly files: ReadonlyMap<string, string>;
  /** the files that are not regular files (executables, symbolic links); the rest are 100644 */
  readonly modes: ReadonlyMap<string, FileMode>;
}

/** A commit that came from git (a push): its id and its raw object are git's own. */
export interface ImportedCommit extends Omit<Commit, 'title'> {
  readonly object: GitObject;
}

export type CommitAction =
  | {
      action: 'create' | 'update';
      filePath: string;
      content: string;
      lastCommitId?: string;
    }
  | { action: 'delete'; filePath: string; lastCommitId?: string }
  | {
      action: 'chmod';
      filePath: string;
      lastCommitId?: string;
      executeFilemode?: boolean;
    }
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
  readonly mode: '040000' | FileMode;
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
  readonly modes: Map<string, FileMode>;
  readonly conflicts: readonly string[];
}

/** What git needs to hold a commit: the commit object, its trees and its blobs. */
export interface CommitObjects {
  readonly commit: GitObject;
  readonly trees: readonly GitObject[];
  readonly blobs: ReadonlyMap<string, string>;
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

/** The id `git hash-object` gives a text file. */
export function blobId(content: string): string {
  return gitObject('blob', Buffer.from(content, 'utf8')).id;
}

/**
 * A git repository reduced to what the GitLab API exposes: commits with parents, branches
 * pointing at commits, and the files of each commit. Commit, tree and blob ids are git's.
 */
export class Repository {
  readonly #commits = new Map<string, Commit>();
  readonly #commitObjects = new Map<string, GitObject>();
  readonly #branches = new Map<string, string>();
  // trees by folder, per commit id; computed when first asked for
  readonly #trees = new Map<string, Map<string, GitObject>>();
  // blobs pushed over git whose bytes are not UTF-8 text: their text here is a lossy decoding,
  // so their id is git's and not the hash of that text
  readonly #pushedBlobIds = new Map<string, string>();
  #defaultBranch: string;

  /** An empty repository (no commits, no branches) when `files` is left out. */
  constructor(
    defaultBranch: string,
    files: Record<string, string> | undefined,
    author: Author,
  ) {
    if (!isValidBranchName(defaultBranch)) {
      throw new RepositoryError('Branch name is invalid');
    }
    this.#defaultBranch = defaultBranch;
    if (files === undefined) return;
    const root = this.#record({
      message: 'Initial commit',
      author,
      parentIds: [],
      files: new Map(Object.entries(files)),
      modes: new Map(),
    });
    this.#branches.set(defaultBranch, root.id);
  }

  /** The branch a new clone checks out; for an empty repository, the one its first push will get. */
  get defaultBranch(): string {
    return this.#defaultBranch;
  }

  /** True until the first commit reaches a branch. */
  isEmpty(): boolean {
    return this.#branches.size === 0;
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
    // the first commit of an empty repository has no parent and creates its branch
    const firstCommit = !parent && !startsElsewhere && this.isEmpty();
    if (!parent && !firstCommit) {
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
    if ((startsElsewhere || firstCommit) && !isValidBranchName(branch)) {
      throw new RepositoryError('Branch name is invalid');
    }
    const files = new Map(parent?.files);
    const modes = new Map(parent?.modes);
    for (const action of actions) {
      this.#apply(files, modes, action, startBranch);
    }
    const created = this.#record({
      message,
      author,
      parentIds: parent ? [parent.id] : [],
      files,
      modes,
    });
    this.#branches.set(branch, created.id);
    if (firstCommit) this.#defaultBranch = branch;
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

    const trees = this.#treesOf(commit);
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
            ? this.blobIdOf(commit.files.get(filePath)!)
            : trees.get(entryPath)!.id,
          name: parts[i - 1],
          type: isBlob ? 'blob' : 'tree',
          path: entryPath,
          mode: isBlob ? modeOf(commit, filePath) : '040000',
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
    const baseCommit = this.mergeBase(source, target);
    const base = baseCommit?.files ?? new Map<string, string>();
    const files = new Map<string, string>();
    const modes = new Map<string, FileMode>();
    const conflicts: string[] = [];
    const paths = new Set([
      ...source.files.keys(),
      ...target.files.keys(),
      ...base.keys(),
    ]);
    for (const path of [...paths].sort()) {
      const merged = mergeSides(
        base.get(path),
        source.files.get(path),
        target.files.get(path),
      );
      if (merged.conflict) conflicts.push(path);
      if (merged.value === undefined) continue;
      files.set(path, merged.value);
      // a mode changed on one side only is kept, as git keeps it
      const mode = mergeSides(
        baseCommit ? modeOf(baseCommit, path) : REGULAR_FILE,
        modeOf(source, path),
        modeOf(target, path),
      ).value;
      if (mode && mode !== REGULAR_FILE) modes.set(path, mode);
    }
    return { files, modes, conflicts };
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
    const { files, modes, conflicts } = this.threeWayMerge(source, target);
    if (conflicts.length > 0)
      throw new RepositoryError('Branch cannot be merged');
    const commit = this.#record({
      message: request.message,
      author: request.author,
      parentIds: [target.id, source.id],
      files,
      modes,
    });
    this.#branches.set(request.target, commit.id);
    return {
      commit,
      changedFiles: diffFiles(target, commit).map(change => change.path),
    };
  }

  /** The id git gives a file's content here (a pushed binary file keeps the id of its bytes). */
  blobIdOf(content: string): string {
    return this.#pushedBlobIds.get(content) ?? blobId(content);
  }

  /** The git objects of a commit, for a bare repository that does not hold them yet. */
  objectsOf(commitId: string): CommitObjects | undefined {
    const commit = this.#commits.get(commitId);
    const object = this.#commitObjects.get(commitId);
    if (!commit || !object) return undefined;
    const blobs = new Map<string, string>();
    for (const content of commit.files.values()) {
      // a pushed binary blob is in git already, and its text here is not its content
      if (!this.#pushedBlobIds.has(content))
        blobs.set(blobId(content), content);
    }
    return {
      commit: object,
      trees: [...this.#treesOf(commit).values()],
      blobs,
    };
  }

  /**
   * Takes a commit that came from git as it is. Its parents must be here already (import in
   * topological order); `pushedBlobIds` maps the contents whose bytes were not UTF-8 text to
   * their git ids.
   */
  importCommit(
    commit: ImportedCommit,
    pushedBlobIds: ReadonlyMap<string, string> = new Map(),
  ): Commit {
    const existing = this.#commits.get(commit.id);
    if (existing) return existing;
    for (const [content, id] of pushedBlobIds)
      this.#pushedBlobIds.set(content, id);
    const { object, ...fields } = commit;
    const imported: Commit = {
      ...fields,
      title: commit.message.split('\n')[0],
    };
    this.#commits.set(commit.id, imported);
    this.#commitObjects.set(commit.id, object);
    return imported;
  }

  /**
   * Points the branches where a push left them in git: `heads` holds every branch after the
   * push, its commits imported already. When the default branch is not among them (a first
   * push), it becomes `main`, else `master`, else the first pushed branch by name.
   */
  adoptBranches(heads: ReadonlyMap<string, string>): void {
    for (const [name, id] of heads) {
      if (!this.#commits.has(id))
        throw new Error(`Commit ${id} of ${name} was not imported`);
    }
    this.#branches.clear();
    const names = [...heads.keys()].sort();
    for (const name of names) this.#branches.set(name, heads.get(name)!);
    if (names.length > 0 && !heads.has(this.#defaultBranch)) {
      this.#defaultBranch =
        ['main', 'master'].find(name => heads.has(name)) ?? names[0];
    }
  }

  #apply(
    files: Map<string, string>,
    modes: Map<string, FileMode>,
    action: CommitAction,
    ref: string,
  ): void {
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
        modes.delete(filePath);
        return;
      case 'chmod':
        requireExisting(files, filePath);
        if (action.executeFilemode === true) modes.set(filePath, '100755');
        else if (action.executeFilemode === false) modes.delete(filePath);
        return;
      case 'move': {
        requireExisting(files, action.previousPath);
        if (filePath !== action.previousPath && files.has(filePath)) {
          throw new RepositoryError('A file with this name already exists');
        }
        const content = action.content ?? files.get(action.previousPath)!;
        const mode = modes.get(action.previousPath);
        files.delete(action.previousPath);
        modes.delete(action.previousPath);
        files.set(filePath, content);
        if (mode) modes.set(filePath, mode);
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

  #treesOf(commit: Commit): Map<string, GitObject> {
    let trees = this.#trees.get(commit.id);
    if (!trees) {
      trees = snapshotTrees(
        commit.files,
        path => modeOf(commit, path),
        content => this.blobIdOf(content),
      );
      this.#trees.set(commit.id, trees);
    }
    return trees;
  }

  #record(draft: {
    message: string;
    author: Author;
    parentIds: string[];
    files: Map<string, string>;
    modes: Map<string, FileMode>;
  }): Commit {
    const now = Date.now();
    const trees = snapshotTrees(
      draft.files,
      path => draft.modes.get(path) ?? REGULAR_FILE,
      content => this.blobIdOf(content),
    );
    const signature = {
      ...draft.author,
      time: Math.floor(now / 1000),
      timezone: '+0000',
    };
    const object = commitObject({
      tree: trees.get('')!.id,
      parents: draft.parentIds,
      author: signature,
      committer: signature,
      message: draft.message,
    });
    // the same change by the same author in the same second is the same commit, as in git
    const existing = this.#commits.get(object.id);
    if (existing) return existing;
    const commit: Commit = {
      id: object.id,
      title: draft.message.split('\n')[0],
      message: draft.message,
      author: draft.author,
      createdAt: new Date(now).toISOString(),
      parentIds: draft.parentIds,
      files: draft.files,
      modes: draft.modes,
    };
    this.#commits.set(object.id, commit);
    this.#commitObjects.set(object.id, object);
    this.#trees.set(object.id, trees);
    return commit;
  }
}

function modeOf(commit: Commit, path: string): FileMode {
  return commit.modes.get(path) ?? REGULAR_FILE;
}

/** One value merged three ways: a side that left the base wins; both leaving it differently conflict. */
function mergeSides<T>(
  base: T | undefined,
  source: T | undefined,
  target: T | undefined,
): { value: T | undefined; conflict: boolean } {
  if (source === target || source === base)
    return { value: target, conflict: false };
  if (target === base) return { value: source, conflict: false };
  return { value: target, conflict: true };
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
