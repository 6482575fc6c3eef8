/**
 * The parameter registry as a tree of scenario-file keys. Validation, resolution, the JSON
 * Schema and the docs all walk this one tree, so none of them lists parameters by hand.
 */
import { PARAMETERS, type ParamSpec, type ParamValue } from './parameters.js';

export interface LeafNode {
  kind: 'leaf';
  spec: ParamSpec;
}
export interface BranchNode {
  kind: 'branch';
  /** Template path of this node (`buyers.*.requirements`); '' for the root. */
  path: string;
  children: Map<string, TreeNode>;
}
/** A section whose keys are user-chosen group names (`buyers`), each shaped like `item`. */
export interface GroupsNode {
  kind: 'groups';
  path: string;
  item: BranchNode;
}
export type TreeNode = LeafNode | BranchNode | GroupsNode;

export const GROUP_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/**
 * Names that match GROUP_NAME_PATTERN but name a property every JavaScript object has:
 * a group by such a name could reach an object's prototype, so it is refused.
 */
export const RESERVED_GROUP_NAMES: readonly string[] = ['constructor', 'prototype'];

/** True when `name` may name a group: GROUP_NAME_PATTERN and not a reserved name. */
export function isGroupName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    GROUP_NAME_PATTERN.test(name) &&
    !RESERVED_GROUP_NAMES.includes(name)
  );
}

/** The rule for group names as error messages state it. */
export const GROUP_NAME_RULE = `a group name matching ${GROUP_NAME_PATTERN.source}, other than ${RESERVED_GROUP_NAMES.join(' or ')}`;

/** Top-level keys that are scenario metadata rather than parameters. */
export const META_KEYS = ['name', 'description', 'sweep'] as const;

function buildTree(): BranchNode {
  const root: BranchNode = { kind: 'branch', path: '', children: new Map() };
  for (const spec of PARAMETERS) {
    const segs = spec.path.split('.');
    let node: BranchNode = root;
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i];
      const prefix = segs.slice(0, i + 1).join('.');
      if (i === segs.length - 1) {
        if (node.children.has(seg))
          throw new Error(`parameter registry: duplicate path ${spec.path}`);
        node.children.set(seg, { kind: 'leaf', spec });
        break;
      }
      if (segs[i + 1] === '*') {
        let groups = node.children.get(seg);
        if (!groups) {
          groups = {
            kind: 'groups',
            path: prefix,
            item: { kind: 'branch', path: `${prefix}.*`, children: new Map() },
          };
          node.children.set(seg, groups);
        }
        if (groups.kind !== 'groups')
          throw new Error(`parameter registry: ${prefix} is both a group section and not`);
        node = groups.item;
        i++; // the `*` segment is consumed by the groups node
        continue;
      }
      let child = node.children.get(seg);
      if (!child) {
        child = { kind: 'branch', path: prefix, children: new Map() };
        node.children.set(seg, child);
      }
      if (child.kind !== 'branch')
        throw new Error(`parameter registry: ${prefix} is both a parameter and a section`);
      node = child;
    }
  }
  return root;
}

export const PARAMETER_TREE: BranchNode = buildTree();

export function cloneValue<T extends ParamValue>(v: T): T {
  return (Array.isArray(v) ? [...v] : v) as T;
}

/** Human-readable range or options of a parameter (`[0, 1]`, `market|network`). */
export function rangeText(spec: ParamSpec, sep = '|'): string {
  switch (spec.type) {
    case 'number':
    case 'integer':
      return `[${spec.min}, ${spec.max}]`;
    case 'boolean':
      return `true${sep}false`;
    case 'enum':
    case 'set':
      return spec.options.join(sep);
    case 'names':
      return `names of ${spec.refersTo} groups`;
  }
}

/** A value as a YAML flow scalar/list, so it can be pasted back into `--set path=value`. */
export function valueText(v: ParamValue): string {
  return Array.isArray(v) ? `[${v.join(', ')}]` : String(v);
}
