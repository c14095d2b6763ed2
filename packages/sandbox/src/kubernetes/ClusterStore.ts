import { randomUUID } from 'node:crypto';
import { apiVersionOf, ResourceType, typeKey, typeOfKind } from './resources';
import {
  alreadyExists,
  badRequest,
  conflict,
  gone,
  invalid,
  notFound,
  StatusError,
} from './status';
import type { KubeObject } from './types';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resourceType: ResourceType;
  object: KubeObject;
  /** For MODIFIED: the object before the change, so selective watches can tell ADDED / DELETED apart. */
  previous?: KubeObject;
  revision: number;
}

export interface StoreWatcher {
  resourceType: ResourceType;
  namespace?: string;
  send(event: StoreEvent): void;
}

const NAMESPACES = typeOfKind('Namespace');
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const GENERATED_SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(length = 5): string {
  let s = '';
  for (let i = 0; i < length; i++)
    s += GENERATED_SUFFIX[Math.floor(Math.random() * GENERATED_SUFFIX.length)];
  return s;
}

function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/**
 * One cluster's objects, like etcd behind an API server: a single revision counter shared by all kinds (the
 * objects' resourceVersion), and a bounded history of changes so that watches can resume from a resourceVersion
 * until it is compacted away (then they get 410 Gone and must re-list, as informers do).
 */
export class ClusterStore {
  private revision = 1;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly watchers = new Set<StoreWatcher>();
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  private admission?: (t: ResourceType, obj: KubeObject) => KubeObject;

  constructor(private readonly historyLimit = 5000) {}

  /** A mutating admission step run on every create (the sandbox's stand-in for admission webhooks). */
  setAdmission(
    fn: ((t: ResourceType, obj: KubeObject) => KubeObject) | undefined,
  ): void {
    this.admission = fn;
  }

  get currentRevision(): number {
    return this.revision;
  }

  /** The oldest revision a watch may still resume from. */
  get oldestRevision(): number {
    return this.history.length > 0
      ? this.history[0].revision - 1
      : this.revision;
  }

  /** Drops the whole change history, so every earlier resourceVersion is expired (for tests of re-listing). */
  compact(): void {
    this.history.length = 0;
  }

  private bucket(t: ResourceType): Map<string, KubeObject> {
    const key = typeKey(t);
    let b = this.objects.get(key);
    if (!b) {
      b = new Map();
      this.objects.set(key, b);
    }
    return b;
  }

  get(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const found = this.bucket(t).get(
      objectKey(t.namespaced ? namespace : undefined, name),
    );
    if (!found) throw notFound(t.plural, name, t.group);
    return structuredClone(found);
  }

  tryGet(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const found = this.bucket(t).get(
      objectKey(t.namespaced ? namespace : undefined, name),
    );
    return found ? structuredClone(found) : undefined;
  }

  /** Objects of a type, sorted by namespace and name, as the API server lists them. */
  list(t: ResourceType, namespace?: string): KubeObject[] {
    const items = [...this.bucket(t).values()].filter(
      o => !namespace || !t.namespaced || o.metadata.namespace === namespace,
    );
    items.sort((a, b) =>
      objectKey(a.metadata.namespace, a.metadata.name).localeCompare(
        objectKey(b.metadata.namespace, b.metadata.name),
      ),
    );
    return items.map(o => structuredClone(o));
  }

  create(
    t: ResourceType,
    namespace: string | undefined,
    input: KubeObject,
  ): KubeObject {
    const obj = structuredClone(input);
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    obj.metadata = { ...(obj.metadata ?? {}) } as KubeObject['metadata'];
    if (!obj.metadata.name && obj.metadata.generateName) {
      do {
        obj.metadata.name = `${obj.metadata.generateName}${randomSuffix()}`;
      } while (this.bucket(t).has(objectKey(namespace, obj.metadata.name)));
    }
    const name = obj.metadata.name;
    if (!name) {
      throw invalid(
        t.kind,
        '',
        [
          {
            field: 'metadata.name',
            message: 'Required value: name or generateName is required',
            reason: 'FieldValueRequired',
          },
        ],
        t.group,
      );
    }
    if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      throw invalid(
        t.kind,
        name,
        [
          {
            field: 'metadata.name',
            message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
          },
        ],
        t.group,
      );
    }
    if (t.namespaced) {
      if (!namespace) {
        throw invalid(
          t.kind,
          name,
          [
            {
              field: 'metadata.namespace',
              message: 'Required value',
              reason: 'FieldValueRequired',
            },
          ],
          t.group,
        );
      }
      const ns = this.bucket(NAMESPACES).get(namespace);
      if (!ns) throw notFound('namespaces', namespace);
      if (ns.status?.phase === 'Terminating') {
        throw new StatusError(
          403,
          'Forbidden',
          `${t.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        );
      }
      obj.metadata.namespace = namespace;
    } else {
      delete obj.metadata.namespace;
    }
    const key = objectKey(obj.metadata.namespace, name);
    if (this.bucket(t).has(key)) throw alreadyExists(t.plural, name, t.group);
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = new Date()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    if (obj.spec !== undefined) obj.metadata.generation = 1;
    delete obj.metadata.deletionTimestamp;
    return this.commit(
      'ADDED',
      t,
      key,
      this.admission ? this.admission(t, obj) : obj,
    );
  }

  /**
   * Replaces an object (PUT). A resourceVersion in the body must match the stored one, otherwise 409 Conflict;
   * without one the write is unconditional, as with the real API server.
   */
  replace(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    input: KubeObject,
    subresource?: 'status',
  ): KubeObject {
    const key = objectKey(t.namespaced ? namespace : undefined, name);
    const current = this.bucket(t).get(key);
    if (!current) throw notFound(t.plural, name, t.group);
    const wantedVersion = input.metadata?.resourceVersion;
    if (wantedVersion && wantedVersion !== current.metadata.resourceVersion) {
      throw conflict(t.plural, name, t.group);
    }
    if (input.metadata?.name && input.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    let next: KubeObject;
    if (subresource === 'status') {
      next = {
        ...structuredClone(current),
        status: structuredClone(input.status),
      };
    } else {
      next = structuredClone(input);
      next.apiVersion = current.apiVersion;
      next.kind = current.kind;
      next.metadata = {
        ...next.metadata,
        name,
        namespace: current.metadata.namespace,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        generation: current.metadata.generation,
      };
      if (next.metadata.namespace === undefined) delete next.metadata.namespace;
      // The main resource never changes status; the status subresource never changes the rest.
      if (t.subresources.includes('status'))
        next.status = structuredClone(current.status);
      if (
        JSON.stringify(next.spec) !== JSON.stringify(current.spec) &&
        current.metadata.generation !== undefined
      ) {
        next.metadata.generation = (current.metadata.generation ?? 0) + 1;
      }
    }
    if (JSON.stringify(next) === JSON.stringify({ ...current })) {
      return structuredClone(current); // a no-op write does not bump the resourceVersion
    }
    return this.commit('MODIFIED', t, key, next);
  }

  /** Read-modify-write for controllers: `fn` returns the new object (or undefined to leave it). */
  update(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    fn: (o: KubeObject) => KubeObject | undefined,
    subresource?: 'status',
  ): KubeObject | undefined {
    const current = this.tryGet(t, namespace, name);
    if (!current) return undefined;
    const next = fn(current);
    if (!next) return undefined;
    next.metadata.resourceVersion = current.metadata.resourceVersion;
    return this.replace(t, namespace, name, next, subresource);
  }

  delete(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const key = objectKey(t.namespaced ? namespace : undefined, name);
    const current = this.bucket(t).get(key);
    if (!current) throw notFound(t.plural, name, t.group);
    const removed = structuredClone(current);
    removed.metadata.deletionTimestamp = new Date()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    return this.commit('DELETED', t, key, removed);
  }

  private commit(
    type: WatchEventType,
    t: ResourceType,
    key: string,
    obj: KubeObject,
  ): KubeObject {
    const previous = type === 'MODIFIED' ? this.bucket(t).get(key) : undefined;
    this.revision += 1;
    obj.metadata.resourceVersion = String(this.revision);
    if (type === 'DELETED') this.bucket(t).delete(key);
    else this.bucket(t).set(key, obj);
    const event: StoreEvent = {
      type,
      resourceType: t,
      object: structuredClone(obj),
      previous,
      revision: this.revision,
    };
    this.history.push(event);
    if (this.history.length > this.historyLimit) this.history.shift();
    for (const w of this.watchers) {
      if (
        w.resourceType === t &&
        (!w.namespace || w.namespace === obj.metadata.namespace)
      ) {
        w.send({ ...event, object: structuredClone(event.object) });
      }
    }
    for (const l of this.listeners) l(event);
    return structuredClone(obj);
  }

  /**
   * Starts a watch. With a resourceVersion, the changes after it are replayed first (410 Gone when it is older
   * than the retained history); without one (or "0"), the current objects come first as ADDED events.
   */
  watch(watcher: StoreWatcher, resourceVersion?: string): () => void {
    const t = watcher.resourceType;
    if (resourceVersion && resourceVersion !== '0') {
      const from = Number(resourceVersion);
      if (!Number.isFinite(from))
        throw invalid(t.kind, '', [
          {
            field: 'resourceVersion',
            message: `Invalid value: "${resourceVersion}"`,
          },
        ]);
      if (from < this.oldestRevision) {
        throw gone(
          `too old resource version: ${from} (${this.oldestRevision + 1})`,
        );
      }
      for (const e of this.history) {
        if (
          e.revision > from &&
          e.resourceType === t &&
          (!watcher.namespace ||
            watcher.namespace === e.object.metadata.namespace)
        ) {
          watcher.send({ ...e, object: structuredClone(e.object) });
        }
      }
    } else {
      for (const o of this.list(t, watcher.namespace)) {
        watcher.send({
          type: 'ADDED',
          resourceType: t,
          object: o,
          revision: Number(o.metadata.resourceVersion),
        });
      }
    }
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** In-process change feed for controllers. */
  onChange(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watcherCount(): number {
    return this.watchers.size;
  }
}
