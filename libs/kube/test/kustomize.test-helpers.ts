import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO, type KubeObject } from './chart.test-helpers.js';

/**
 * `kustomize build` of our kustomizations, without a kustomize binary (none can be installed here).
 * It implements exactly what k8s/ uses, as kustomize v5 does it, and refuses everything else by name
 * instead of guessing:
 *
 * - `resources`: files (every YAML document; only from the kustomization's directory or below, as
 *   kustomize's default load restrictor) and directories holding a kustomization (built recursively;
 *   a directory that contains one already being built is a cycle, as in kustomize's loader). An id
 *   (group, version, kind, namespace, name) added twice is an error.
 * - `patches` (`path` or inline `patch`, optional `target`): a JSON 6902 patch (a list of operations;
 *   needs a target) or a strategic-merge patch (one object). Without a target, a strategic-merge patch
 *   applies to the object with its group, version, kind, name and namespace (an empty namespace being
 *   `default`, ignored for cluster-scoped kinds). Targets select by group/version/kind (exact) and
 *   name/namespace (anchored regular expressions). Strategic merge is implemented for maps and scalars
 *   (null deletes a key) and `$patch: delete` of a whole object; a list in a strategic-merge patch needs
 *   its field's patchMergeKey/patchStrategy, which this does not model, so it is refused (write a JSON
 *   6902 patch instead). A patch that selects nothing is an error (kustomize would at least warn).
 *
 * Other kustomization fields (namespace, labels, images, generators, components, replacements, …)
 * are refused: a kustomization that starts using one must bring it here first.
 */

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'patches']);
const SUPPORTED_PATCH_FIELDS = new Set(['path', 'patch', 'target']);
const SUPPORTED_TARGET_FIELDS = new Set(['group', 'version', 'kind', 'name', 'namespace']);

/** The cluster-scoped kinds our manifests use (a namespace on them means nothing). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
  'PersistentVolume',
]);

export class KustomizeError extends Error {}

interface Target {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

const groupVersion = (o: KubeObject) => {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return { group: group!, version: version! };
};
const effectiveNamespace = (o: KubeObject) =>
  CLUSTER_SCOPED.has(o.kind) ? '' : o.metadata.namespace ? o.metadata.namespace : 'default';
export const resourceId = (o: KubeObject) =>
  `${o.apiVersion}/${o.kind}/${effectiveNamespace(o)}/${o.metadata?.name ?? ''}`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readInRoot(root: string, entry: string, what: string): string {
  const path = resolve(root, entry);
  const rel = relative(root, path);
  if (rel.startsWith('..') || rel.startsWith(sep))
    throw new KustomizeError(
      `${what} ${entry}: security; file '${path}' is not in or below '${root}' (kustomize's load restrictor)`,
    );
  if (!existsSync(path)) throw new KustomizeError(`${what} ${entry}: no such file ${path}`);
  return readFileSync(path, 'utf8');
}

function objectsOf(text: string, where: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new KustomizeError(`${where}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue; // an empty or comment-only document
    if (!isObject(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string')
      throw new KustomizeError(`${where}: a document without apiVersion and kind`);
    if (!isObject(value.metadata) || typeof value.metadata.name !== 'string')
      throw new KustomizeError(`${where}: ${value.kind} without metadata.name`);
    objects.push(value as KubeObject);
  }
  return objects;
}

function selects(target: Target, o: KubeObject): boolean {
  const { group, version } = groupVersion(o);
  const anchored = (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value);
  return (
    (target.group === undefined || target.group === group) &&
    (target.version === undefined || target.version === version) &&
    (target.kind === undefined || target.kind === o.kind) &&
    (target.name === undefined || anchored(target.name, o.metadata.name)) &&
    (target.namespace === undefined || anchored(target.namespace, o.metadata.namespace ?? ''))
  );
}

/** Strategic merge of maps and scalars into `into` (in place); lists and directives are refused. */
function strategicMerge(into: Record<string, unknown>, patch: Record<string, unknown>, path: string): void {
  for (const [key, value] of Object.entries(patch)) {
    const at = `${path}/${key}`;
    if (key.startsWith('$'))
      throw new KustomizeError(
        `${at}: the directive ${key} is not implemented here (only $patch: delete of an object)`,
      );
    if (value === null) delete into[key];
    else if (Array.isArray(value))
      throw new KustomizeError(
        `${at}: a list in a strategic-merge patch merges by its field's patchMergeKey, which is not modelled here; use a JSON 6902 patch`,
      );
    else if (isObject(value)) {
      if (!isObject(into[key])) into[key] = {};
      strategicMerge(into[key] as Record<string, unknown>, value, at);
    } else into[key] = value;
  }
}

/** RFC 6901 pointer → parent container and final token. */
function locate(document: unknown, pointer: string, op: string): { parent: unknown; token: string } {
  if (!pointer.startsWith('/')) throw new KustomizeError(`${op} ${pointer}: a JSON pointer starts with /`);
  const tokens = pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  let parent: unknown = document;
  for (const token of tokens.slice(0, -1)) {
    const next = Array.isArray(parent) ? parent[Number(token)] : isObject(parent) ? parent[token] : undefined;
    if (next === undefined) throw new KustomizeError(`${op} ${pointer}: ${token} does not exist`);
    parent = next;
  }
  return { parent, token: tokens[tokens.length - 1]! };
}

function arrayIndex(array: unknown[], token: string, forAdd: boolean, op: string, pointer: string): number {
  if (forAdd && token === '-') return array.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new KustomizeError(`${op} ${pointer}: ${token} is not an array index`);
  const index = Number(token);
  if (index > array.length || (!forAdd && index === array.length))
    throw new KustomizeError(`${op} ${pointer}: index ${index} is out of range`);
  return index;
}

function getAt(document: unknown, pointer: string, op: string): unknown {
  const { parent, token } = locate(document, pointer, op);
  const value = Array.isArray(parent)
    ? parent[arrayIndex(parent, token, false, op, pointer)]
    : isObject(parent)
      ? parent[token]
      : undefined;
  if (value === undefined) throw new KustomizeError(`${op} ${pointer}: does not exist`);
  return value;
}

function removeAt(document: unknown, pointer: string, op: string): unknown {
  const { parent, token } = locate(document, pointer, op);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, token, false, op, pointer), 1)[0];
  if (!isObject(parent) || !(token in parent)) throw new KustomizeError(`${op} ${pointer}: does not exist`);
  const value = parent[token];
  delete parent[token];
  return value;
}

function addAt(document: unknown, pointer: string, value: unknown, op: string): void {
  const { parent, token } = locate(document, pointer, op);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, token, true, op, pointer), 0, value);
  else if (isObject(parent)) parent[token] = value;
  else throw new KustomizeError(`${op} ${pointer}: the parent is not an object or array`);
}

interface Operation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

/** RFC 6902 on a copy of `object`; a failing operation throws, naming itself. */
function applyJsonPatch(object: KubeObject, operations: readonly Operation[]): KubeObject {
  const document = structuredClone(object) as unknown;
  for (const { op, path, value, from } of operations) {
    const clone = () => structuredClone(value);
    switch (op) {
      case 'add':
        addAt(document, path, clone(), op);
        break;
      case 'remove':
        removeAt(document, path, op);
        break;
      case 'replace': {
        getAt(document, path, op); // must exist
        const { parent, token } = locate(document, path, op);
        if (Array.isArray(parent)) parent[arrayIndex(parent, token, false, op, path)] = clone();
        else (parent as Record<string, unknown>)[token] = clone();
        break;
      }
      case 'move':
        addAt(document, path, removeAt(document, from ?? '', op), op);
        break;
      case 'copy':
        addAt(document, path, structuredClone(getAt(document, from ?? '', op)), op);
        break;
      case 'test':
        if (JSON.stringify(getAt(document, path, op)) !== JSON.stringify(value))
          throw new KustomizeError(`test ${path}: the value differs`);
        break;
      default:
        throw new KustomizeError(`unknown JSON patch operation ${op}`);
    }
  }
  return document as KubeObject;
}

type Patch = { kind: 'json6902'; operations: Operation[] } | { kind: 'strategic'; object: KubeObject };

/** As kustomize decides: a list of operations is a JSON 6902 patch, one object a strategic-merge patch. */
function classify(text: string, where: string): Patch {
  const docs = parseAllDocuments(text).filter((d) => d.contents !== null);
  if (docs.length !== 1) throw new KustomizeError(`${where}: a patch must be one YAML document`);
  const value = docs[0]!.toJS() as unknown;
  if (Array.isArray(value)) {
    for (const o of value)
      if (!isObject(o) || typeof o.op !== 'string' || typeof o.path !== 'string')
        throw new KustomizeError(`${where}: a JSON 6902 operation needs op and path`);
    return { kind: 'json6902', operations: value as Operation[] };
  }
  return { kind: 'strategic', object: objectsOf(text, where)[0]! };
}

function checkFields(value: Record<string, unknown>, allowed: Set<string>, where: string): void {
  for (const key of Object.keys(value))
    if (!allowed.has(key))
      throw new KustomizeError(`${where}: ${key} is not implemented by kustomize.test-helpers.ts (add it there first)`);
}

/**
 * The objects `kustomize build <directory>` outputs, in the order they are added (kustomize sorts its
 * output by kind; validation does not care). `visited` are the roots being built (cycle detection).
 */
export function kustomizeBuild(directory: string, visited: readonly string[] = []): KubeObject[] {
  const root = resolve(directory);
  for (const previous of [...visited, root].slice(0, -1))
    if (previous === root || previous.startsWith(`${root}${sep}`))
      throw new KustomizeError(`cycle detected: candidate root '${root}' contains visited root '${previous}'`);
  const file = join(root, 'kustomization.yaml');
  if (!existsSync(file)) throw new KustomizeError(`${root}: no kustomization.yaml`);
  const kustomization = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const where = relative(REPO, file).startsWith('..') ? file : relative(REPO, file);
  checkFields(kustomization, SUPPORTED_FIELDS, where);
  if (kustomization.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || kustomization.kind !== 'Kustomization')
    throw new KustomizeError(`${where}: not a kustomize.config.k8s.io/v1beta1 Kustomization`);

  const objects: KubeObject[] = [];
  const add = (o: KubeObject, from: string) => {
    if (objects.some((p) => resourceId(p) === resourceId(o)))
      throw new KustomizeError(`${from}: may not add resource with an already registered id: ${resourceId(o)}`);
    objects.push(o);
  };
  for (const entry of (kustomization.resources as string[] | undefined) ?? []) {
    if (/^[a-z]+:\/\/|^github\.com\//.test(entry)) throw new KustomizeError(`${where}: remote resource ${entry}`);
    const path = resolve(root, entry);
    if (existsSync(path) && statSync(path).isDirectory()) {
      for (const o of kustomizeBuild(path, [...visited, root])) add(o, `${where} ${entry}`);
    } else {
      for (const o of objectsOf(readInRoot(root, entry, `${where}: resource`), `${where} ${entry}`))
        add(o, `${where} ${entry}`);
    }
  }

  for (const [i, entry] of ((kustomization.patches as Record<string, unknown>[] | undefined) ?? []).entries()) {
    const at = `${where} patches[${i}]`;
    checkFields(entry, SUPPORTED_PATCH_FIELDS, at);
    if (entry.target !== undefined) checkFields(entry.target as Record<string, unknown>, SUPPORTED_TARGET_FIELDS, at);
    if ((entry.path === undefined) === (entry.patch === undefined))
      throw new KustomizeError(`${at}: set one of path and patch`);
    const text =
      entry.path !== undefined ? readInRoot(root, entry.path as string, `${at}: patch`) : (entry.patch as string);
    const patch = classify(text, at);
    const target = entry.target as Target | undefined;
    let selected: KubeObject[];
    if (target) selected = objects.filter((o) => selects(target, o));
    else if (patch.kind === 'json6902') throw new KustomizeError(`${at}: a JSON 6902 patch needs a target`);
    else selected = objects.filter((o) => resourceId(o) === resourceId(patch.object));
    if (selected.length === 0)
      throw new KustomizeError(
        `${at}: no resource matches ${target ? JSON.stringify(target) : resourceId((patch as { object: KubeObject }).object)}`,
      );
    for (const o of selected) {
      const index = objects.indexOf(o);
      if (patch.kind === 'json6902') {
        objects[index] = applyJsonPatch(o, patch.operations);
        continue;
      }
      // kustomize keeps the target's kind, name and namespace whatever the patch says
      const {
        $patch: directive,
        apiVersion: _v,
        kind: _k,
        metadata,
        ...fields
      } = patch.object as KubeObject & {
        $patch?: string;
      };
      if (directive === 'delete') {
        objects.splice(index, 1);
        continue;
      }
      if (directive !== undefined) throw new KustomizeError(`${at}: $patch: ${directive} is not implemented here`);
      const merged = structuredClone(o) as unknown as Record<string, unknown>;
      strategicMerge(merged, fields, '');
      const { name: _n, namespace: _ns, ...otherMetadata } = metadata;
      strategicMerge(merged.metadata as Record<string, unknown>, otherMetadata, '/metadata');
      objects[index] = merged as unknown as KubeObject;
    }
  }
  return objects;
}
