import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';

/**
 * A test server that speaks the Kubernetes REST API over a real socket, because no API server can
 * run on these machines. It keeps every object in memory and implements what the operator relies on:
 *
 * - create (POST, 409 AlreadyExists), get, list (label selectors, list resourceVersion), replace (PUT
 *   with a resourceVersion precondition: 409 Conflict), delete (single and collection);
 * - watch from a resourceVersion, replaying history after it; `compact()` forgets history so an old
 *   resourceVersion gets a 410 Gone (an `ERROR` event with code 410, as the real server sends it);
 *   `dropWatches()` cuts every open watch;
 * - patches: JSON merge patch (strategic merge is treated as merge patch), and server-side apply with
 *   per-manager field ownership: a manager's fields absent from its next apply are removed,
 *   `metadata.finalizers` merges as a set, a field another manager applied with a different value is a
 *   409 Conflict unless `force=true`;
 * - the status subresource for jobs, cronjobs and the xreason kinds (the main resource ignores status,
 *   `/status` touches only status), generation bumps on spec changes;
 * - deletion waits for finalizers (deletionTimestamp), and deleting an owner deletes its dependents
 *   (ownerReferences), as the garbage collector would.
 *
 * Not implemented: field selectors, JSON patch, strategic-merge list semantics, admission, validation
 * against schemas, managedFields in responses, bookmarks.
 */

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STATUS_SUBRESOURCE = new Set(['jobs', 'cronjobs', 'alignmentruns', 'evalschedules']);
const SET_LISTS = new Set(['metadata.finalizers']);

interface Route {
  gvr: string; // "group/version/resource"
  namespace?: string;
  name?: string;
  subresource?: string;
}

interface WatchEvent {
  rv: number;
  gvr: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Obj;
}

interface Watcher {
  gvr: string;
  namespace?: string;
  selector: string | null;
  res: ServerResponse;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType?: string;
  fieldManager?: string;
  /** An apply carrying metadata.resourceVersion: a precondition, so it can never create. */
  preconditioned?: boolean;
}

export class FakeApiServer {
  private readonly server: Server;
  private readonly objects = new Map<string, Map<string, Obj>>();
  private readonly owners = new Map<string, Map<string, Set<string>>>(); // object key → manager → leaf paths
  private history: WatchEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private rv = 1;
  private compactedThrough = 0;
  /** Every request, for tests that pin how the client talks (patch types, field manager). */
  readonly requests: RecordedRequest[] = [];
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.fail(res, 500, 'InternalError', String(error)));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.dropWatches();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Forgets the watch history: a watch from an older resourceVersion now gets 410 Gone. */
  compact(): void {
    this.history = [];
    this.compactedThrough = this.rv;
  }

  /** Cuts every open watch, as a dying API server or a load balancer would. */
  dropWatches(): void {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  // ---- direct access for tests (the test plays the Job controller, Kueue, kubectl) ----

  list(gvr: string, namespace?: string): Obj[] {
    return [...(this.objects.get(gvr)?.values() ?? [])]
      .filter((o) => !namespace || o.metadata.namespace === namespace)
      .map(clone);
  }

  get(gvr: string, namespace: string, name: string): Obj | undefined {
    const o = this.objects.get(gvr)?.get(`${namespace}/${name}`);
    return o ? clone(o) : undefined;
  }

  put(gvr: string, object: Obj): Obj {
    const key = `${object.metadata.namespace}/${object.metadata.name}`;
    const existing = this.objects.get(gvr)?.get(key);
    if (!existing) return this.create({ gvr, namespace: object.metadata.namespace }, object);
    return this.write(gvr, key, existing, clone(object), 'all');
  }

  remove(gvr: string, namespace: string, name: string): void {
    this.delete(gvr, `${namespace}/${name}`);
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const route = parseRoute(url.pathname);
    const q = url.searchParams;
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
      ...(q.get('fieldManager') ? { fieldManager: q.get('fieldManager') as string } : {}),
    });
    if (!route) return this.fail(res, 404, 'NotFound', `no route for ${url.pathname}`);
    const body = await readBody(req);
    const key = route.name ? `${route.namespace}/${route.name}` : undefined;
    const existing = key ? this.objects.get(route.gvr)?.get(key) : undefined;
    const method = req.method ?? 'GET';

    if (method === 'GET' && !route.name) {
      if (q.get('watch') === 'true' || q.get('watch') === '1') return this.watch(route, q, res);
      const items = this.select(route, q.get('labelSelector'));
      return send(res, 200, { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.rv) }, items });
    }
    if (method === 'POST' && !route.name) {
      const object = parseJson(body);
      const name = object.metadata?.name;
      if (!name) return this.fail(res, 422, 'Invalid', 'metadata.name: Required value');
      if (this.objects.get(route.gvr)?.has(`${route.namespace}/${name}`)) {
        return this.fail(res, 409, 'AlreadyExists', `${route.gvr.split('/')[2]} "${name}" already exists`);
      }
      return send(res, 201, this.create(route, object));
    }
    if (method === 'DELETE' && !route.name) {
      for (const o of this.select(route, q.get('labelSelector')))
        this.delete(route.gvr, `${o.metadata.namespace}/${o.metadata.name}`);
      return send(res, 200, { kind: 'Status', status: 'Success' });
    }
    if (!key) return this.fail(res, 405, 'MethodNotAllowed', method);
    if (method === 'GET') return existing ? send(res, 200, clone(existing)) : this.notFound(res, route);
    if (method === 'DELETE') {
      if (!existing) return this.notFound(res, route);
      return send(res, 200, this.delete(route.gvr, key) ?? { kind: 'Status', status: 'Success' });
    }
    if (method === 'PUT') {
      if (!existing) return this.notFound(res, route);
      const object = parseJson(body);
      const precondition = object.metadata?.resourceVersion;
      if (precondition && precondition !== existing.metadata.resourceVersion) return this.conflict(res, route);
      return send(
        res,
        200,
        this.write(route.gvr, key, existing, object, route.subresource === 'status' ? 'status' : 'main'),
      );
    }
    if (method === 'PATCH') {
      const type = (req.headers['content-type'] ?? '').split(';')[0];
      if (type === 'application/apply-patch+yaml') return this.apply(route, key, existing, body, q, res);
      if (type !== 'application/merge-patch+json' && type !== 'application/strategic-merge-patch+json') {
        return this.fail(res, 415, 'UnsupportedMediaType', `patch type ${type} is not supported by the test server`);
      }
      if (!existing) return this.notFound(res, route);
      const patch = parseJson(body);
      const precondition = patch.metadata?.resourceVersion;
      if (precondition && precondition !== existing.metadata.resourceVersion) return this.conflict(res, route);
      const next = mergePatch(clone(existing), patch);
      return send(
        res,
        200,
        this.write(route.gvr, key, existing, next, route.subresource === 'status' ? 'status' : 'main'),
      );
    }
    return this.fail(res, 405, 'MethodNotAllowed', method);
  }

  private apply(
    route: Route,
    key: string,
    existing: Obj | undefined,
    body: string,
    q: URLSearchParams,
    res: ServerResponse,
  ): void {
    const manager = q.get('fieldManager');
    if (!manager) return this.fail(res, 400, 'BadRequest', 'PATCH with apply-patch+yaml requires fieldManager');
    const applied = parseYaml(body) as Obj;
    const recorded = this.requests.at(-1);
    if (recorded && applied.metadata?.resourceVersion) recorded.preconditioned = true;
    const status = route.subresource === 'status';
    if (!existing) {
      // An apply is an upsert, but not one with a resourceVersion precondition (or of a status).
      if (status || applied.metadata?.resourceVersion) return this.notFound(res, route);
      const created = this.create(route, applied);
      this.own(route.gvr, key).set(manager, leaves(applied));
      return send(res, 201, created);
    }
    const precondition = applied.metadata?.resourceVersion;
    if (precondition && precondition !== existing.metadata.resourceVersion) return this.conflict(res, route);
    const part = status ? { status: applied.status ?? {} } : withoutStatus(applied);
    const owners = this.own(route.gvr, key);
    // Ownership is tracked per subresource, as managedFields entries are: applying the status must not
    // drop what the same manager applied to the main resource (its finalizers).
    const owner = status ? `${manager}/status` : manager;
    const mine = leaves(part);
    const force = q.get('force') === 'true';
    for (const [other, paths] of owners) {
      if (other === owner) continue;
      const clashes = [...mine.keys()].filter(
        (p) => paths.has(p) && !SET_LISTS.has(p.split('[')[0] ?? '') && !same(mine.get(p), get(existing, p)),
      );
      if (clashes.length > 0 && !force) {
        return this.fail(
          res,
          409,
          'Conflict',
          `Apply failed with ${clashes.length} conflict(s): conflict with "${other}": ${clashes.map((p) => `.${p}`).join(', ')}`,
        );
      }
      for (const p of clashes) paths.delete(p);
    }
    const next = clone(existing);
    const previous = owners.get(owner) ?? new Map<string, unknown>();
    for (const p of previous.keys()) {
      const ownedElsewhere = [...owners].some(([m, paths]) => m !== owner && paths.has(p));
      if (!mine.has(p) && !ownedElsewhere) unset(next, p);
    }
    applyInto(next, part);
    owners.set(owner, mine);
    return send(res, 200, this.write(route.gvr, key, existing, next, status ? 'status' : 'main'));
  }

  private own(gvr: string, key: string): Map<string, Map<string, unknown>> {
    const id = `${gvr}|${key}`;
    let owners = this.owners.get(id) as Map<string, Map<string, unknown>> | undefined;
    if (!owners) this.owners.set(id, (owners = new Map()) as never);
    return owners;
  }

  private create(route: Route, object: Obj): Obj {
    const created = clone(object);
    created.metadata = {
      ...created.metadata,
      namespace: route.namespace ?? created.metadata?.namespace,
      uid: randomUUID(),
      generation: 1,
      creationTimestamp: new Date().toISOString(),
      resourceVersion: String(++this.rv),
    };
    const resource = route.gvr.split('/')[2] ?? '';
    if (STATUS_SUBRESOURCE.has(resource)) delete created.status;
    const key = `${created.metadata.namespace}/${created.metadata.name}`;
    if (!this.objects.has(route.gvr)) this.objects.set(route.gvr, new Map());
    this.objects.get(route.gvr)?.set(key, created);
    this.emit(route.gvr, 'ADDED', created);
    return clone(created);
  }

  /** Writes `next` over `existing`: `main` keeps the old status, `status` keeps all but the status. */
  private write(gvr: string, key: string, existing: Obj, next: Obj, part: 'main' | 'status' | 'all'): Obj {
    const resource = gvr.split('/')[2] ?? '';
    let result: Obj;
    if (part === 'status') result = { ...clone(existing), status: next.status };
    else {
      result = clone(next);
      if (part === 'main' && STATUS_SUBRESOURCE.has(resource)) result.status = existing.status;
      if (existing.status === undefined && part === 'main' && STATUS_SUBRESOURCE.has(resource)) delete result.status;
    }
    // Identity and server-owned metadata cannot be changed by a client.
    for (const field of ['uid', 'creationTimestamp', 'namespace', 'name', 'deletionTimestamp', 'generation']) {
      if (existing.metadata[field] === undefined) delete result.metadata[field];
      else result.metadata[field] = existing.metadata[field];
    }
    if (!same(specOf(existing), specOf(result))) result.metadata.generation = (existing.metadata.generation ?? 0) + 1;
    if (
      same(existing, {
        ...result,
        metadata: { ...result.metadata, resourceVersion: existing.metadata.resourceVersion },
      })
    )
      return clone(existing);
    result.metadata.resourceVersion = String(++this.rv);
    if (result.metadata.deletionTimestamp && (result.metadata.finalizers ?? []).length === 0) {
      this.objects.get(gvr)?.delete(key);
      this.owners.delete(`${gvr}|${key}`);
      this.emit(gvr, 'DELETED', result);
      this.collectDependents(result.metadata.uid);
      return clone(result);
    }
    this.objects.get(gvr)?.set(key, result);
    this.emit(gvr, 'MODIFIED', result);
    return clone(result);
  }

  private delete(gvr: string, key: string): Obj | undefined {
    const existing = this.objects.get(gvr)?.get(key);
    if (!existing) return undefined;
    if ((existing.metadata.finalizers ?? []).length > 0) {
      if (existing.metadata.deletionTimestamp) return clone(existing);
      const marked = clone(existing);
      marked.metadata.deletionTimestamp = new Date().toISOString();
      marked.metadata.resourceVersion = String(++this.rv);
      this.objects.get(gvr)?.set(key, marked);
      this.emit(gvr, 'MODIFIED', marked);
      return clone(marked);
    }
    this.objects.get(gvr)?.delete(key);
    this.owners.delete(`${gvr}|${key}`);
    const gone = { ...clone(existing), metadata: { ...existing.metadata, resourceVersion: String(++this.rv) } };
    this.emit(gvr, 'DELETED', gone);
    this.collectDependents(existing.metadata.uid);
    return gone;
  }

  /** The garbage collector's job: dependents whose owner is gone are deleted too. */
  private collectDependents(uid: string): void {
    for (const [gvr, objects] of this.objects) {
      for (const [key, o] of [...objects]) {
        if ((o.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === uid)) this.delete(gvr, key);
      }
    }
  }

  private select(route: Route, selector: string | null): Obj[] {
    return [...(this.objects.get(route.gvr)?.values() ?? [])]
      .filter((o) => !route.namespace || o.metadata.namespace === route.namespace)
      .filter((o) => matchesSelector(o.metadata.labels ?? {}, selector))
      .map(clone);
  }

  private watch(route: Route, q: URLSearchParams, res: ServerResponse): void {
    const from = q.get('resourceVersion');
    const selector = q.get('labelSelector');
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const matches = (gvr: string, o: Obj) =>
      gvr === route.gvr &&
      (!route.namespace || o.metadata.namespace === route.namespace) &&
      matchesSelector(o.metadata.labels ?? {}, selector);
    if (from && from !== '0' && Number(from) < this.compactedThrough) {
      res.end(
        `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410, message: `too old resource version: ${from} (${this.compactedThrough})` } })}\n`,
      );
      return;
    }
    if (!from || from === '0') {
      for (const o of this.select(route, selector)) res.write(`${JSON.stringify({ type: 'ADDED', object: o })}\n`);
    } else {
      for (const e of this.history)
        if (e.rv > Number(from) && matches(e.gvr, e.object))
          res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    }
    const watcher: Watcher = {
      gvr: route.gvr,
      ...(route.namespace ? { namespace: route.namespace } : {}),
      selector,
      res,
    };
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
  }

  private emit(gvr: string, type: WatchEvent['type'], object: Obj): void {
    const event = { rv: Number(object.metadata.resourceVersion), gvr, type, object: clone(object) };
    this.history.push(event);
    for (const w of this.watchers) {
      if (w.gvr !== gvr || (w.namespace && object.metadata.namespace !== w.namespace)) continue;
      if (!matchesSelector(object.metadata.labels ?? {}, w.selector)) continue;
      w.res.write(`${JSON.stringify({ type, object })}\n`);
    }
  }

  private notFound(res: ServerResponse, route: Route): void {
    this.fail(res, 404, 'NotFound', `${route.gvr.split('/')[2]} "${route.name}" not found`);
  }

  private conflict(res: ServerResponse, route: Route): void {
    this.fail(
      res,
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${route.gvr.split('/')[2]} "${route.name}": the object has been modified; please apply your changes to the latest version and try again`,
    );
  }

  private fail(res: ServerResponse, code: number, reason: string, message: string): void {
    if (res.headersSent) return void res.destroy();
    send(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason, message, code });
  }
}

function parseRoute(path: string): Route | undefined {
  const parts = path.split('/').filter(Boolean);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') [group, version, rest] = ['', parts[1] ?? '', parts.slice(2)];
  else if (parts[0] === 'apis') [group, version, rest] = [parts[1] ?? '', parts[2] ?? '', parts.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  if (!resource) return undefined;
  return {
    gvr: `${group}/${version}/${resource}`,
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
    ...(subresource ? { subresource } : {}),
  };
}

export function matchesSelector(labels: Record<string, string>, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const t = term.trim();
    const ne = t.split('!=');
    if (ne.length === 2) return labels[ne[0] ?? ''] !== ne[1];
    const eq = t.split(/==?/);
    if (eq.length === 2) return labels[eq[0] ?? ''] === eq[1];
    if (t.startsWith('!')) return !(t.slice(1) in labels);
    return t in labels;
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(body: string): Obj {
  return body ? (JSON.parse(body) as Obj) : {};
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  return v;
}

function specOf(o: Obj): unknown {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

function withoutStatus(o: Obj): Obj {
  const { status: _s, ...rest } = o;
  return rest;
}

function mergePatch(target: Obj, patch: Obj): Obj {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else if (v && typeof v === 'object' && !Array.isArray(v))
      target[k] = mergePatch(target[k] && typeof target[k] === 'object' ? target[k] : {}, v as Obj);
    else target[k] = v;
  }
  return target;
}

const IDENTITY = new Set(['apiVersion', 'kind', 'metadata.name', 'metadata.namespace', 'metadata.resourceVersion']);

/** Leaf paths of an applied configuration → value; a set list contributes one path per item. */
function leaves(o: Obj, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(o)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (IDENTITY.has(p)) continue;
    if (SET_LISTS.has(p) && Array.isArray(v)) for (const item of v) out.set(`${p}[${String(item)}]`, item);
    else if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0)
      for (const [lp, lv] of leaves(v as Obj, p)) out.set(lp, lv);
    else out.set(p, v);
  }
  return out;
}

function get(o: Obj, path: string): unknown {
  const set = /^(.*)\[(.*)\]$/.exec(path);
  if (set) return ((get(o, set[1] ?? '') as unknown[]) ?? []).includes(set[2]) ? set[2] : undefined;
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Obj)[k] : undefined), o);
}

function unset(o: Obj, path: string): void {
  const set = /^(.*)\[(.*)\]$/.exec(path);
  if (set) {
    const list = get(o, set[1] ?? '') as unknown[] | undefined;
    if (Array.isArray(list)) list.splice(list.indexOf(set[2]) >>> 0, list.includes(set[2]) ? 1 : 0);
    return;
  }
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Obj)[k] : undefined), o);
  if (parent && typeof parent === 'object') delete (parent as Obj)[last];
}

function applyInto(target: Obj, applied: Obj, prefix = ''): void {
  for (const [k, v] of Object.entries(applied)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (SET_LISTS.has(p) && Array.isArray(v)) target[k] = [...new Set([...((target[k] as unknown[]) ?? []), ...v])];
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (!target[k] || typeof target[k] !== 'object') target[k] = {};
      applyInto(target[k] as Obj, v as Obj, p);
    } else target[k] = v;
  }
}
