/**
 * JSON Schema (draft 2020-12) of scenario files, generated from the parameter registry so
 * editors can complete and check scenarios. The loader stays the authority: it also checks
 * what a schema cannot express well (group references in `names` parameters, whether a group
 * named under `set:` exists in the base file, one-line errors with did-you-mean), and it accepts
 * an empty section (`buyers:`) as "all defaults".
 *
 * Two forms share one schema: a plain scenario (parameter sections, `suppliers` required) and a
 * derived one (`base:` another file, `set:` dotted parameter paths, no parameter sections).
 */
import { PARAMETERS, type ParamSpec } from './parameters.js';
import {
  GROUP_NAME_PATTERN,
  RESERVED_GROUP_NAMES,
  PARAMETER_TREE,
  type BranchNode,
  type TreeNode,
} from './tree.js';

type JsonSchema = Record<string, unknown>;

function describeSpec(spec: ParamSpec): string {
  return spec.unit ? `${spec.description} Unit: ${spec.unit}.` : spec.description;
}

function leafSchema(spec: ParamSpec): JsonSchema {
  const description = describeSpec(spec);
  switch (spec.type) {
    case 'number':
    case 'integer':
      return {
        type: spec.type,
        description,
        default: spec.default,
        minimum: spec.min,
        maximum: spec.max,
      };
    case 'boolean':
      return { type: 'boolean', description, default: spec.default };
    case 'enum':
      return { type: 'string', description, default: spec.default, enum: [...spec.options] };
    case 'set':
      return {
        type: 'array',
        description,
        default: [...spec.default],
        items: { enum: [...spec.options] },
        uniqueItems: true,
      };
    case 'names':
      return {
        type: 'array',
        description: `${description} Names of ${spec.refersTo} groups.`,
        default: [...spec.default],
        items: {
          type: 'string',
          pattern: GROUP_NAME_PATTERN.source,
          not: { enum: [...RESERVED_GROUP_NAMES] },
        },
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
    propertyNames: { pattern: GROUP_NAME_PATTERN.source, not: { enum: [...RESERVED_GROUP_NAMES] } },
    additionalProperties: { $ref: `#/$defs/${defName}` },
    ...(key === 'suppliers' ? { minProperties: 1 } : {}),
  };
}

/** `set:` of a derived file: every parameter under its dotted path, group names as a pattern. */
function setSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const patternProperties: Record<string, JsonSchema> = {};
  const groupName = GROUP_NAME_PATTERN.source.replace(/^\^|\$$/g, '');
  for (const spec of PARAMETERS) {
    if (!spec.path.includes('*')) properties[spec.path] = leafSchema(spec);
    else
      patternProperties[
        `^${spec.path
          .split('.')
          .map((seg) => (seg === '*' ? groupName : seg))
          .join('\\.')}$`
      ] = leafSchema(spec);
  }
  return {
    type: 'object',
    description:
      'Parameters changed from the base file, by dotted path (gvc params lists them); groups must exist in the base file.',
    additionalProperties: false,
    properties,
    patternProperties,
  };
}

/** The JSON Schema of a scenario file (YAML or JSON). */
export function scenarioJsonSchema(): object {
  const defs: Record<string, JsonSchema> = {};
  const params = branchSchema(PARAMETER_TREE, defs);
  const properties: Record<string, JsonSchema> = {
    name: {
      type: 'string',
      description: 'Scenario name (default: the file name without extension).',
    },
    description: { type: 'string', description: 'Free-text description of the scenario.' },
    base: {
      type: 'string',
      minLength: 1,
      description:
        'Derive this scenario from another file (path relative to this one, itself not derived); change parameters under set:.',
    },
    set: setSchema(),
    ...(params.properties as Record<string, JsonSchema>),
    sweep: {
      description:
        'Parameter sweep of this scenario (checked by the sweep command, not by this schema).',
    },
    validation: {
      description:
        'Validation checks run on this scenario (checked by gvc validate, not by this schema).',
    },
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'gvc-abm scenario',
    description:
      'A scenario of the gvc-abm simulator. Every parameter may be omitted; its registry default then applies.',
    type: 'object',
    additionalProperties: false,
    properties,
    // A derived file states parameters only under set:; a plain one needs its suppliers.
    if: { required: ['base'] },
    then: {
      properties: Object.fromEntries(
        Object.keys(params.properties as object).map((section) => [section, false]),
      ),
    },
    else: { required: ['suppliers'], properties: { set: false } },
    $defs: defs,
  };
}
