import { z } from 'zod';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) as plain data. */
export type JsonSchema = Record<string, unknown>;

/**
 * Which side of a schema to describe: what a client may send (`input`: defaults optional,
 * coercions and transforms not yet applied, unknown keys allowed) or what MultiVAC sends
 * (`output`: exactly the keys a strict parse yields).
 */
export type Side = 'input' | 'output';

const strip = ({ $schema: _schema, $id: _id, ...rest }: JsonSchema): JsonSchema => rest;

/** One zod schema as a JSON Schema, self-contained, without a `$schema` line. */
export function jsonSchemaOf(schema: z.core.$ZodType, io: Side): JsonSchema {
  return strip(z.toJSONSchema(schema, { io, unrepresentable: 'throw' }) as JsonSchema);
}

/**
 * Named zod schemas as OpenAPI components: a schema used inside another becomes a `$ref` to
 * `#/components/schemas/<name>` instead of a copy.
 */
export function componentSchemas(
  named: Readonly<Record<string, z.core.$ZodType>>,
  io: Side,
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    unrepresentable: 'throw',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, strip(s)]));
}
