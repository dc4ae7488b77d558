import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { feedTextRequest, feedUrlRequest, sourceListQuery } from '../../shared/api/index';
import { compileRouting } from '../dev/routing';
import type { JsonSchema } from './json-schema';
import { ROUTING_FILE, openApiDocument } from './openapi';

const root = resolve(import.meta.dirname, '../..');
const document = openApiDocument(root) as {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        tags: string[];
        parameters?: { $ref?: string; name?: string; in?: string; schema?: JsonSchema }[];
      }
    >
  >;
  components: { schemas: Record<string, JsonSchema> };
};

/** Every `$ref` anywhere in `node`. */
function refs(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(refs);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => (k === '$ref' ? [v as string] : refs(v)));
}

/** The component schemas in a strict ajv, refs rewritten to their ids, formats checked. */
function strictSchemas() {
  // Strict, except for `required` inside `anyOf` naming properties defined beside it (legal).
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  addFormats.default(ajv);
  const rewrite = (schema: JsonSchema) =>
    JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"urn:multivac:'));
  for (const [name, schema] of Object.entries(document.components.schemas))
    ajv.addSchema(rewrite(schema), `urn:multivac:${name}`);
  return { ajv, get: (name: string) => ajv.getSchema(`urn:multivac:${name}`)! };
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has every $ref resolvable and every operationId once', () => {
    const pointer = (ref: string) =>
      ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], document);
    expect(refs(document).filter((ref) => pointer(ref) === undefined)).toEqual([]);
    const ids = Object.values(document.paths).flatMap((item) =>
      Object.values(item).map((op) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has component schemas that strict JSON Schema 2020-12 compiles', () => {
    const { get } = strictSchemas();
    for (const name of Object.keys(document.components.schemas))
      expect(get(name), name).toBeTypeOf('function');
  });

  it('documents every route that knative/base/routing.yaml forwards to a function, and no other', () => {
    type Match = {
      uri: { exact?: string; regex?: string };
      method: { exact?: string; regex?: string };
    };
    const text = readFileSync(resolve(root, ROUTING_FILE), 'utf8');
    const routes = (
      parse(text) as {
        spec: { http: { name: string; match?: Match[]; rewrite?: { authority: string } }[] };
      }
    ).spec.http;
    // The web console's page and assets are for browsers, not part of the API.
    const routed = routes
      .filter((r) => r.rewrite && !r.rewrite.authority.startsWith('console.'))
      .flatMap((r) =>
        r.match!.flatMap(({ uri, method }) => {
          const path =
            uri.exact ??
            uri
              .regex!.replace(/^\^/, '')
              .replace(/\/\?\$$|\$$/, '')
              .replaceAll('[^/]+', '{id}');
          const methods = method.exact
            ? [method.exact]
            : /\(([A-Z|]+)\)/.exec(method.regex!)![1]!.split('|');
          return methods
            .filter((m) => m !== 'HEAD')
            .map((m) => `${m} ${path} → ${r.rewrite!.authority.split('.')[0]}`);
        }),
      );
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => `${method.toUpperCase()} ${path} → ${op.tags[0]}`),
    );
    expect(documented.sort()).toEqual(routed.sort());
    // And the local gateway, which reads the same file, agrees with each of them.
    const routing = compileRouting(text);
    for (const entry of documented) {
      const [method, path, , service] = entry.split(' ');
      expect(routing.resolve(method!, path!.replaceAll('{id}', 'x1')), entry).toMatchObject({
        kind: 'forward',
        service,
      });
    }
  });
});

describe('request schemas say what the functions accept', () => {
  const { get } = strictSchemas();
  const agree = (zod: z.core.$ZodType, json: (value: unknown) => boolean, value: unknown) => [
    z.safeParse(zod, value).success,
    json(value),
  ];

  it.each([
    ['url', true, { url: 'https://example.org/a' }],
    ['URL', true, { URL: 'https://example.org/a' }],
    ['both, the same, and more', true, { url: 'https://a.org', URL: 'https://a.org', other: 1 }],
    ['nothing', false, {}],
    ['another field', false, { link: 'https://example.org/a' }],
    ['a number', false, { url: 42 }],
    ['4097 characters', false, { url: `https://example.org/${'x'.repeat(4077)}` }],
  ])('FeedUrl with %s: %s', (_label, accepted, value) => {
    expect(agree(feedUrlRequest, get('FeedUrl'), value)).toEqual([accepted, accepted]);
  });

  it.each([
    [{ text: 'Entropy rises.' }, true],
    [{ data: 'Entropy rises.' }, true],
    [{}, false],
    [{ text: 7 }, false],
  ])('FeedText %j: %s', (value, accepted) => {
    expect(agree(feedTextRequest, get('FeedText'), value)).toEqual([accepted, accepted]);
  });

  it.each([
    [{}, true],
    [{ state: 'failed', limit: 10 }, true],
    [{ cursor: 'c3JjLTE' }, true],
    [{ state: 'lost' }, false],
    [{ limit: 0 }, false],
    [{ limit: 201 }, false],
    [{ cursor: 'not a cursor' }, false],
    [{ sort: 'id' }, false],
  ])('the list query %j: %s', (query, accepted) => {
    const params = document.paths['/multivac/data']!.get!.parameters!;
    const ajv = new Ajv2020({ strict: true });
    // Parameters are separate in OpenAPI; together they must take what the query schema takes.
    const schema = {
      type: 'object',
      properties: Object.fromEntries(params.map((p) => [p.name!, p.schema!])),
      additionalProperties: false,
    };
    expect(params.every((p) => p.in === 'query')).toBe(true);
    expect([sourceListQuery.safeParse(query).success, ajv.validate(schema, query)]).toEqual([
      accepted,
      accepted,
    ]);
  });
});
