import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import type { BranchProtection } from '../BranchProtection';
import { FileMode, GitObject, parseCommit } from '../gitObjects';
import type { Repository } from '../Repository';
import { GitProcesses } from './GitProcesses';

const PROTECTION_FILE = 'fleetdeck-protected-branches';

/** The archive formats of `git archive` that GitLab's archive route offers. */
export type ArchiveFormat = 'tar.gz' | 'tar' | 'zip';

/*
 * GitLab's rules for protected branches, for pushes: nobody deletes one over git, and nobody
 * force-pushes one unless its rule allows it. A rejection declines the whole push, with
 * GitLab's words, as GitLab's own pre-receive check does.
 */
const PRE_RECEIVE_HOOK = `#!/bin/sh
zero=0000000000000000000000000000000000000000
status=0
while read -r old new ref; do
  branch=\${ref#refs/heads/}
  [ "$branch" = "$ref" ] && continue
  covered=no
  force=yes
  while read -r allow pattern; do
    case "$branch" in
      $pattern) covered=yes; [ "$allow" = force ] || force=no ;;
    esac
  done < ${PROTECTION_FILE}
  [ "$covered" = yes ] || continue
  if [ "$new" = "$zero" ]; then
    echo "GitLab: You can only delete protected branches using the web interface."
    status=1
  elif [ "$old" != "$zero" ] && [ "$force" = no ] && ! git merge-base --is-ancestor "$old" "$new"; then
    echo "GitLab: You are not allowed to force push code to a protected branch on this project."
    status=1
  fi
done
exit $status
`;

interface TreeListing {
  readonly blobs: Array<{ path: string; mode: string; id: string }>;
  readonly trees: string[];
}

/**
 * The bare git repository behind one project, for git over HTTP. The project's Repository stays
 * the source of truth: before git serves a request, the commits made through the API are
 * written here and the branches set; after a push, the pushed commits are read back into it.
 */
export class BareRepository {
  static async create(
    git: GitProcesses,
    dir: string,
    defaultBranch: string,
  ): Promise<BareRepository> {
    await mkdir(dir, { recursive: true });
    await git.run(dir, [
      'init',
      '--bare',
      '--quiet',
      `--initial-branch=${defaultBranch}`,
    ]);
    await git.run(dir, ['config', 'http.receivepack', 'true']);
    const hook = path.join(dir, 'hooks', 'pre-receive');
    await writeFile(hook, PRE_RECEIVE_HOOK);
    await chmod(hook, 0o755);
    await writeFile(path.join(dir, PROTECTION_FILE), '');
    return new BareRepository(git, dir, defaultBranch);
  }

  // commits and trees and blobs that git holds already
  readonly #commits = new Set<string>();
  readonly #objects = new Set<string>();
  // the branches as the last sync left them in git, to tell what a push changed
  #synced = new Map<string, string>();
  #head: string;

  private constructor(
    private readonly git: GitProcesses,
    readonly dir: string,
    head: string,
  ) {
    this.#head = head;
  }

  /** Makes git hold the repository's commits and branches, and the project's branch protection. */
  async syncFrom(
    repository: Repository,
    protection: BranchProtection,
  ): Promise<void> {
    const heads = new Map(
      repository
        .branchNames()
        .map(name => [name, repository.branchHead(name)!.id]),
    );
    for (const id of heads.values()) await this.#writeCommit(repository, id);

    const current = await this.#branches();
    const updates = [
      ...[...heads]
        .filter(([name, id]) => current.get(name) !== id)
        .map(([name, id]) => `update refs/heads/${name} ${id}\n`),
      ...[...current.keys()]
        .filter(name => !heads.has(name))
        .map(name => `delete refs/heads/${name}\n`),
    ];
    if (updates.length > 0) {
      await this.git.run(this.dir, ['update-ref', '--stdin'], updates.join(''));
    }
    this.#synced = heads;
    if (this.#head !== repository.defaultBranch) {
      await this.git.run(this.dir, [
        'symbolic-ref',
        'HEAD',
        `refs/heads/${repository.defaultBranch}`,
      ]);
      this.#head = repository.defaultBranch;
    }
    await writeFile(
      path.join(this.dir, PROTECTION_FILE),
      protection
        .all()
        .map(rule => `${rule.allowForcePush ? 'force' : 'keep'} ${rule.name}\n`)
        .join(''),
    );
  }

  /** `git archive` of a commit git holds, its files under `prefix`, only those under `path` when given. */
  archive(
    commitId: string,
    options: { format: ArchiveFormat; prefix: string; path?: string },
  ): Promise<Buffer> {
    return this.git.run(this.dir, [
      'archive',
      `--format=${options.format}`,
      `--prefix=${options.prefix}/`,
      commitId,
      ...(options.path ? ['--', options.path] : []),
    ]);
  }

  /**
   * Reads what a push left in git into the repository: the new commits, then the branches the
   * push created, moved or deleted. A branch the push did not touch keeps the repository's head,
   * which a commit made through the API while git was busy may have moved.
   */
  async importInto(repository: Repository): Promise<void> {
    const pushed = await this.#branches();
    const unknown = [...new Set(pushed.values())].filter(
      id => !repository.commit(id),
    );
    if (unknown.length > 0) {
      const known = [...this.#synced.values()].filter(id =>
        this.#commits.has(id),
      );
      const listed = await this.git.run(this.dir, [
        'rev-list',
        '--topo-order',
        '--reverse',
        ...unknown,
        ...(known.length > 0 ? ['--not', ...known] : []),
      ]);
      const ids = listed
        .toString()
        .split('\n')
        .filter(id => id !== '' && !repository.commit(id));
      await this.#importCommits(repository, ids);
    }
    const heads = new Map(
      repository
        .branchNames()
        .map(name => [name, repository.branchHead(name)!.id]),
    );
    for (const [name, id] of pushed) {
      if (this.#synced.get(name) !== id) heads.set(name, id);
    }
    for (const name of this.#synced.keys()) {
      if (!pushed.has(name)) heads.delete(name);
    }
    repository.adoptBranches(heads);
    this.#synced = pushed;
    if (this.#head !== repository.defaultBranch) {
      await this.git.run(this.dir, [
        'symbolic-ref',
        'HEAD',
        `refs/heads/${repository.defaultBranch}`,
      ]);
      this.#head = repository.defaultBranch;
    }
  }

  async #importCommits(repository: Repository, ids: string[]): Promise<void> {
    const commitObjects = await this.#readObjects(ids);
    const listings = new Map<string, TreeListing>();
    for (const id of ids) listings.set(id, await this.#listTree(id));
    const blobIds = new Set(
      [...listings.values()].flatMap(listing => listing.blobs.map(b => b.id)),
    );
    const blobs = await this.#readObjects([...blobIds]);

    for (const id of ids) {
      const object = commitObjects.get(id)!;
      const fields = parseCommit(object.body);
      const listing = listings.get(id)!;
      const files = new Map<string, string>();
      const modes = new Map<string, FileMode>();
      const pushedBlobIds = new Map<string, string>();
      for (const blob of listing.blobs) {
        const bytes = blobs.get(blob.id)!.body;
        const content = bytes.toString('utf8');
        if (!Buffer.from(content, 'utf8').equals(bytes))
          pushedBlobIds.set(content, blob.id);
        files.set(blob.path, content);
        if (blob.mode !== '100644') modes.set(blob.path, blob.mode as FileMode);
      }
      repository.importCommit(
        {
          id,
          object,
          message: fields.message,
          author: { name: fields.author.name, email: fields.author.email },
          createdAt: new Date(fields.committer.time * 1000).toISOString(),
          parentIds: fields.parents,
          files,
          modes,
        },
        pushedBlobIds,
      );
      this.#commits.add(id);
      listing.trees.forEach(tree => this.#objects.add(tree));
      listing.blobs.forEach(blob => this.#objects.add(blob.id));
    }
  }

  /** The files of a commit (submodules are left out: the sandbox does not model them). */
  async #listTree(commitId: string): Promise<TreeListing> {
    const output = await this.git.run(this.dir, [
      'ls-tree',
      '-r',
      '-t',
      '-z',
      commitId,
    ]);
    const listing: TreeListing = { blobs: [], trees: [] };
    for (const record of output.toString('utf8').split('\0')) {
      const tab = record.indexOf('\t');
      if (tab === -1) continue;
      const [mode, type, id] = record.slice(0, tab).split(' ');
      const filePath = record.slice(tab + 1);
      if (type === 'tree') listing.trees.push(id);
      else if (type === 'blob')
        listing.blobs.push({ path: filePath, mode, id });
    }
    return listing;
  }

  /** Objects by id through one `git cat-file --batch`. */
  async #readObjects(ids: string[]): Promise<Map<string, GitObject>> {
    const objects = new Map<string, GitObject>();
    if (ids.length === 0) return objects;
    const output = await this.git.run(
      this.dir,
      ['cat-file', '--batch'],
      ids.map(id => `${id}\n`).join(''),
    );
    let offset = 0;
    while (offset < output.length) {
      const lineEnd = output.indexOf(0x0a, offset);
      const [id, type, size] = output
        .subarray(offset, lineEnd)
        .toString()
        .split(' ');
      if (type === 'missing' || size === undefined) {
        throw new Error(`git has no object ${id}`);
      }
      const start = lineEnd + 1;
      const body = output.subarray(start, start + Number(size));
      objects.set(id, { id, type: type as GitObject['type'], body });
      // each object is followed by a newline
      offset = start + Number(size) + 1;
    }
    return objects;
  }

  async #branches(): Promise<Map<string, string>> {
    const output = await this.git.run(this.dir, [
      'for-each-ref',
      '--format=%(objectname) %(refname)',
      'refs/heads/',
    ]);
    const heads = new Map<string, string>();
    for (const line of output.toString().split('\n')) {
      if (line === '') continue;
      const space = line.indexOf(' ');
      heads.set(
        line.slice(space + 1).replace(/^refs\/heads\//, ''),
        line.slice(0, space),
      );
    }
    return heads;
  }

  /** Writes a commit made through the API, and the ancestors and objects git does not have yet. */
  async #writeCommit(repository: Repository, head: string): Promise<void> {
    const missing = new Set<string>();
    const pending = [head];
    while (pending.length > 0) {
      const id = pending.pop()!;
      if (this.#commits.has(id) || missing.has(id)) continue;
      missing.add(id);
      pending.push(...(repository.commit(id)?.parentIds ?? []));
    }
    for (const id of missing) {
      const objects = repository.objectsOf(id);
      if (!objects) throw new Error(`The repository has no commit ${id}`);
      for (const [blobId, content] of objects.blobs) {
        await this.#writeObject({
          id: blobId,
          type: 'blob',
          body: Buffer.from(content, 'utf8'),
        });
      }
      for (const tree of objects.trees) await this.#writeObject(tree);
      await this.#writeObject(objects.commit);
    }
    // known only once all of them are written, so a failure half-way leaves none marked
    missing.forEach(id => this.#commits.add(id));
  }

  /** A loose object, as git writes one: zlib of `<type> <size>\0<body>` at objects/ab/cdef…. */
  async #writeObject(object: GitObject): Promise<void> {
    if (this.#objects.has(object.id)) return;
    const folder = path.join(this.dir, 'objects', object.id.slice(0, 2));
    const file = path.join(folder, object.id.slice(2));
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await mkdir(folder, { recursive: true });
      const temporary = `${file}.tmp-${randomBytes(4).toString('hex')}`;
      await writeFile(
        temporary,
        deflateSync(
          Buffer.concat([
            Buffer.from(`${object.type} ${object.body.length}\0`),
            object.body,
          ]),
        ),
      );
      await rename(temporary, file);
    }
    this.#objects.add(object.id);
  }
}
