/**
 * What Forge checks about custom entities, from the entity declarations in manifest.yml. Every rule cites the
 * page it comes from; where the docs are silent the sandbox takes the stricter reading and says so.
 */

export type AttributeType = 'string' | 'integer' | 'float' | 'boolean' | 'any';

export interface EntityIndex {
  name: string;
  partition: string[];
  range: string;
}

export interface EntityDefinition {
  name: string;
  attributes: Record<string, AttributeType>;
  indexes: EntityIndex[];
}

export interface ManifestEntity {
  name: string;
  attributes?: Record<string, { type: string }>;
  indexes?: Array<string | { name: string; partition?: string[]; range?: string[] }>;
}

// https://developer.atlassian.com/platform/forge/runtime-reference/custom-entities/ : "You can define
// attributes with the following data types: string, integer, float, boolean, any".
const TYPES: readonly AttributeType[] = ['string', 'integer', 'float', 'boolean', 'any'];
// Same page: attribute names follow [_A-Za-z][_0-9A-Za-z]* and are at most 64 characters.
const ATTRIBUTE_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
// Forge entity integers are 32-bit signed (issue 10, from Forge's custom entity store behaviour): an epoch
// in milliseconds does not fit and is refused, it is not silently truncated.
export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

/** Reads manifest.yml's `app.storage.entities`, refusing a declaration Forge would refuse at deploy. */
export function entityDefinitions(entities: ManifestEntity[]): Record<string, EntityDefinition> {
  const out: Record<string, EntityDefinition> = {};
  for (const entity of entities) {
    const attributes: Record<string, AttributeType> = {};
    for (const [name, spec] of Object.entries(entity.attributes ?? {})) {
      if (!ATTRIBUTE_NAME.test(name))
        throw new Error(`manifest.yml entity ${entity.name}: attribute name "${name}" is not allowed by Forge`);
      if (!TYPES.includes(spec.type as AttributeType))
        throw new Error(`manifest.yml entity ${entity.name}: attribute ${name} has unknown type "${spec.type}"`);
      attributes[name] = spec.type as AttributeType;
    }
    const indexes = (entity.indexes ?? []).map((i) =>
      typeof i === 'string'
        ? { name: i, partition: [], range: i }
        : { name: i.name, partition: i.partition ?? [], range: (i.range ?? [])[0] ?? '' },
    );
    for (const index of indexes) {
      if (indexes.filter((i) => i.name === index.name).length > 1)
        throw new Error(`manifest.yml entity ${entity.name}: index ${index.name} is declared twice`);
      for (const attr of [...index.partition, index.range]) {
        // An index orders and partitions by typed values: the sandbox's reading is that an attribute of type
        // `any` (no comparable type) or one the entity does not declare cannot be indexed.
        const type = attributes[attr];
        if (!type)
          throw new Error(
            `manifest.yml entity ${entity.name}: index ${index.name} uses undeclared attribute "${attr}"`,
          );
        if (type === 'any')
          throw new Error(`manifest.yml entity ${entity.name}: index ${index.name} uses attribute ${attr} of type any`);
      }
    }
    out[entity.name] = { name: entity.name, attributes, indexes };
  }
  return out;
}

/** Whether `value` is a valid value of an attribute of `type`; null is never one (see entityValueProblem). */
export function fitsType(type: AttributeType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'any':
      return value !== null && value !== undefined;
  }
}

/**
 * Why Forge would refuse to store `value` in this entity, or null when it is valid.
 * https://developer.atlassian.com/platform/forge/storage-reference/handling-errors-customentities/ :
 * INVALID_ENTITY_VALUE, "Entity values must match one of the types defined in Custom Entities". No page says an
 * attribute may hold null (not even `any`), so null is refused: the app omits an attribute that has no value.
 */
export function entityValueProblem(def: EntityDefinition, value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return `an ${def.name} value must be an object of its attributes`;
  for (const [attr, v] of Object.entries(value as Record<string, unknown>)) {
    const type = def.attributes[attr];
    if (!type) return `attribute ${attr} is not declared for entity ${def.name} in manifest.yml`;
    if (v === null) return `attribute ${attr} of ${def.name} is null; omit an attribute that has no value`;
    if (!fitsType(type, v)) {
      const hint =
        type === 'integer' && typeof v === 'number' && Number.isInteger(v)
          ? ' (entity integers are 32-bit signed)'
          : '';
      return `attribute ${attr} of ${def.name} must be of type ${type}, got ${JSON.stringify(v).slice(0, 40)}${hint}`;
    }
  }
  return null;
}
