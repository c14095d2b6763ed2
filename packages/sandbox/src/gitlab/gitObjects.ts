/*
 * Git's object format (blob, tree, commit), so that the sandbox's commits carry the ids git gives
 * them and a bare repository can hold exactly the commits the API shows.
 */
import { createHash } from 'node:crypto';

export type GitObjectType = 'blob' | 'tree' | 'commit';

export interface GitObject {
  readonly id: string;
  readonly type: GitObjectType;
  /** the object's content, without git's `<type> <size>\0` header */
  readonly body: Buffer;
}

/** A file's mode in a tree: regular, executable, or a symbolic link (whose content is its target). */
export type FileMode = '100644' | '100755' | '120000';

export const REGULAR_FILE: FileMode = '100644';

export function gitObject(type: GitObjectType, body: Buffer): GitObject {
  const id = createHash('sha1')
    .update(`${type} ${body.length}\0`)
    .update(body)
    .digest('hex');
  return { id, type, body };
}

/** Who and when, as a commit's author and committer lines hold it. */
export interface Signature {
  readonly name: string;
  readonly email: string;
  /** seconds since the epoch */
  readonly time: number;
  /** `+0000`, `-0530`, … */
  readonly timezone: string;
}

export interface CommitFields {
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: Signature;
  readonly committer: Signature;
  readonly message: string;
}

// git drops these from names and emails so that a signature line stays parseable
const SIGNATURE_CRUD = /[<>\n]/g;

function signatureLine(signature: Signature): string {
  const name = signature.name.replace(SIGNATURE_CRUD, '').trim();
  const email = signature.email.replace(SIGNATURE_CRUD, '').trim();
  return `${name} <${email}> ${signature.time} ${signature.timezone}`;
}

export function commitObject(fields: CommitFields): GitObject {
  const lines = [
    `tree ${fields.tree}`,
    ...fields.parents.map(parent => `parent ${parent}`),
    `author ${signatureLine(fields.author)}`,
    `committer ${signatureLine(fields.committer)}`,
    '',
    fields.message,
  ];
  return gitObject('commit', Buffer.from(lines.join('\n'), 'utf8'));
}

const SIGNATURE = /^(.*?) ?<([^>]*)> (\d+) ([+-]\d{4})$/;

function parseSignature(line: string): Signature {
  const match = SIGNATURE.exec(line);
  if (!match) return { name: line, email: '', time: 0, timezone: '+0000' };
  return {
    name: match[1],
    email: match[2],
    time: Number(match[3]),
    timezone: match[4],
  };
}

/** A commit object's fields; extra headers (gpgsig, encoding, mergetag) are skipped. */
export function parseCommit(body: Buffer): CommitFields {
  const text = body.toString('utf8');
  const end = text.indexOf('\n\n');
  const header = end === -1 ? text : text.slice(0, end);
  const message = end === -1 ? '' : text.slice(end + 2);
  let tree = '';
  const parents: string[] = [];
  let author: Signature = parseSignature('');
  let committer: Signature | undefined;
  for (const line of header.split('\n')) {
    // continuation lines of a multi-line header such as gpgsig start with a space
    if (line.startsWith(' ')) continue;
    const space = line.indexOf(' ');
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'tree') tree = value;
    else if (key === 'parent') parents.push(value);
    else if (key === 'author') author = parseSignature(value);
    else if (key === 'committer') committer = parseSignature(value);
  }
  return { tree, parents, author, committer: committer ?? author, message };
}

export interface TreeEntryFields {
  readonly name: string;
  /** a FileMode, or `40000` for a folder */
  readonly mode: string;
  readonly id: string;
}

/** git orders a tree's entries by name bytes, a folder's name compared as if it ended in '/'. */
function treeOrder(a: TreeEntryFields, b: TreeEntryFields): number {
  const key = (entry: TreeEntryFields) =>
    Buffer.from(entry.mode === '40000' ? `${entry.name}/` : entry.name);
  return Buffer.compare(key(a), key(b));
}

export function treeObject(entries: readonly TreeEntryFields[]): GitObject {
  const parts = [...entries]
    .sort(treeOrder)
    .flatMap(entry => [
      Buffer.from(`${entry.mode} ${entry.name}\0`, 'utf8'),
      Buffer.from(entry.id, 'hex'),
    ]);
  return gitObject('tree', Buffer.concat(parts));
}

/**
 * The tree objects of a snapshot of files, by folder path ('' is the root, folders without a
 * trailing slash), built bottom-up as git builds them.
 */
export function snapshotTrees(
  files: ReadonlyMap<string, string>,
  modeOf: (path: string) => FileMode,
  blobIdOf: (content: string) => string,
): Map<string, GitObject> {
  const entriesOf = new Map<string, TreeEntryFields[]>([['', []]]);
  const folderOf = (path: string) => {
    const slash = path.lastIndexOf('/');
    return slash === -1 ? '' : path.slice(0, slash);
  };
  const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  const ensureFolder = (folder: string) => {
    if (entriesOf.has(folder)) return;
    entriesOf.set(folder, []);
    if (folder !== '') ensureFolder(folderOf(folder));
  };
  for (const [path, content] of files) {
    const folder = folderOf(path);
    ensureFolder(folder);
    entriesOf.get(folder)!.push({
      name: nameOf(path),
      mode: modeOf(path),
      id: blobIdOf(content),
    });
  }
  const trees = new Map<string, GitObject>();
  // deepest folders first, so that each folder's subfolders already have their ids
  const folders = [...entriesOf.keys()].sort(
    (a, b) => depth(b) - depth(a) || a.localeCompare(b),
  );
  for (const folder of folders) {
    const tree = treeObject(entriesOf.get(folder)!);
    trees.set(folder, tree);
    if (folder !== '') {
      entriesOf
        .get(folderOf(folder))!
        .push({ name: nameOf(folder), mode: '40000', id: tree.id });
    }
  }
  return trees;
}

function depth(folder: string): number {
  return folder === '' ? 0 : folder.split('/').length;
}
