/**
 * JSON Schema (draft 2020-12) of scenario files, generated from the parameter registry so
 * editors can complete and check scenarios. The loader stays the authority: it also checks
 * what a schema cannot express well (group references in `names` parameters, one-line
 * errors with did-you-mean), and it accepts an empty section (`buyers:`) as "all defaults".
 */
import type { ParamSpec } from './parameters.js';
import { GROUP_NAME_PATTERN, PARAMETER_TREE, type BranchNode, type TreeNode } from './tree.js';

type JsonSchema = Record<string, unknown>;

function describeSpec(spec: ParamSpec): string {
  return spec.unit ? `${spec.description} Unit: ${spec.unit}.` : spec.description;
}

function leafSchema(spec: ParamSpec): JsonSchema {
  const description = describeSpec(spec);
  switch (spec.type) {
    case 'number':
    case 'integer':
      return { type: spec.type, description, default: spec.default, minimum: spec.min, maximum: spec.max };
    case 'boolean':
      return { type: 'boolean', description, default: spec.default };
    case 'enum':
      return { type: 'string', description, default: spec.default, enum: [...spec.options] };
    case 'set':
      return { type: 'array', description, default: [...spec.default], items: { enum: [...spec.options] }, uniqueItems: true };
    case 'names':
      return {
        type: 'array',
        description: `${description} Names of ${spec.refersTo} groups.`,
        default: [...spec.default],
        items: { type: 'string', pattern: GROUP_NAME_PATTERN.source },
        uniqueItems: true,
      };
  }
}

function branchSchema(node: BranchNode, defs: Record<string, JsonSchema>): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [key, child] of node.children) properties[key] = nodeSchema(key, child, defs);
  return { type: 'object', additionalProperties: false, properties };
}

function nodeSchema(key: string, node: TreeNode, defs: Record<string, JsonSchema>): JsonSchema {
  if (node.kind === 'leaf') return leafSchema(node.spec);
  if (node.kind === 'branch') return branchSchema(node, defs);
  // Groups share one definition per section (`#/$defs/buyers_group`).
  const defName = `${node.path.replace(/\./g, '_')}_group`;
  defs[defName] = { description: `One ${key} group.`, ...branchSchema(node.item, defs) };
  return {
    type: 'object',
    description: `${key} groups by name; the order of the groups fixes agent ids.`,
    propertyNames: { pattern: GROUP_NAME_PATTERN.source },
    additionalProperties: { $ref: `#/$defs/${defName}` },
    ...(key === 'suppliers' ? { minProperties: 1 } : {}),
  };
}

/** The JSON Schema of a scenario file (YAML or JSON). */
export function scenarioJsonSchema(): object {
  const defs: Record<string, JsonSchema> = {};
  const params = branchSchema(PARAMETER_TREE, defs);
  const properties: Record<string, JsonSchema> = {
    name: { type: 'string', description: 'Scenario name (default: the file name without extension).' },
    description: { type: 'string', description: 'Free-text description of the scenario.' },
    ...(params.properties as Record<string, JsonSchema>),
    sweep: { description: 'Parameter sweep of this scenario (checked by the sweep command, not by this schema).' },
    validation: { description: 'Validation checks run on this scenario (checked by gvc validate, not by this schema).' },
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'gvc-abm scenario',
    description: 'A scenario of the gvc-abm simulator. Every parameter may be omitted; its registry default then applies.',
    type: 'object',
    additionalProperties: false,
    required: ['suppliers'],
    properties,
    $defs: defs,
  };
}
