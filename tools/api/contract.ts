import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ResponseName } from './components';
import type { JsonSchema } from './json-schema';

/** A response as a client saw it: status, headers and the body as text. */
export interface ObservedResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** What a response was checked against: `GET /multivac/data/{id}`, its status and media type. */
export interface Checked {
  operation: string;
  status: number;
  mediaType?: string;
}

/** A response that the document does not describe; the message lists every difference. */
export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

type Json = Record<string, unknown>;
interface ResponseObject {
  headers?: Record<string, Json>;
  content?: Record<string, { schema: JsonSchema }>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
const DOC = 'openapi.json';
const UNLISTED_PATH: ResponseName = 'NotFound';
const UNLISTED_METHOD: ResponseName = 'MethodNotAllowed';

/** `#/a/b` → the value at that JSON pointer of `doc`. */
function at(doc: Json, ref: string): Json {
  const value = ref
    .replace(/^#\//, '')
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
  if (value === undefined) throw new Error(`the document has no ${ref}`);
  return value as Json;
}

/** Refs of an inline schema point into the document registered as `DOC`. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${DOC}${v}` : rebase(v),
    ]),
  );
}

/** A path template as a pattern: `{id}` is one non-empty segment; a trailing slash is allowed. */
const templatePattern = (template: string) =>
  new RegExp(
    `^${template
      .split(/\{[^/}]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+')}/?$`,
  );

/**
 * Checks real responses against an OpenAPI 3.1 document: the status is documented for the
 * operation, required headers are present and valid, the media type is documented and the body
 * validates against its schema (ajv, JSON Schema 2020-12, formats checked). A path the document
 * does not list must be answered with its `NotFound` response, a method a path does not list with
 * `MethodNotAllowed` and an `Allow` header naming exactly the documented methods.
 */
export function createContract(document: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(document, DOC);
  const compiled = new Map<string, ValidateFunction>();
  const validator = (schema: JsonSchema) => {
    const key = JSON.stringify(schema);
    let fn = compiled.get(key);
    if (!fn) compiled.set(key, (fn = ajv.compile(rebase(schema) as JsonSchema)));
    return fn;
  };
  const deref = <T>(value: unknown): T =>
    (typeof (value as Json)?.$ref === 'string'
      ? at(document, (value as { $ref: string }).$ref)
      : value) as T;

  const paths = Object.entries(document.paths as Record<string, Json>).map(([template, item]) => ({
    template,
    item,
    pattern: templatePattern(template),
  }));

  function checkResponse(
    spec: ResponseObject,
    observed: ObservedResponse,
    head: boolean,
    problems: string[],
  ): string | undefined {
    for (const [name, raw] of Object.entries(spec.headers ?? {})) {
      const header = deref<{ required?: boolean; schema?: JsonSchema }>(raw);
      const value = observed.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`header ${name} is missing`);
        continue;
      }
      if (!header.schema) continue;
      const typed =
        header.schema.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
      const valid = validator(header.schema);
      if (!valid(typed))
        problems.push(`header ${name}: ${JSON.stringify(value)} ${ajv.errorsText(valid.errors)}`);
    }
    const contentType = observed.headers.get('content-type');
    if (!spec.content) {
      if (observed.body !== '') problems.push('a body where the document describes none');
      return undefined;
    }
    const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
    const media = spec.content[mediaType];
    if (!media) {
      problems.push(
        `content type ${JSON.stringify(contentType)} is not one of ${Object.keys(spec.content).join(', ')}`,
      );
      return mediaType;
    }
    if (head) return mediaType;
    let body: unknown = observed.body;
    if (/[/+]json$/.test(mediaType)) {
      try {
        body = JSON.parse(observed.body);
      } catch {
        problems.push(`the body is not JSON: ${observed.body.slice(0, 200)}`);
        return mediaType;
      }
    }
    const valid = validator(media.schema);
    if (!valid(body)) problems.push(`body: ${ajv.errorsText(valid.errors, { dataVar: 'body' })}`);
    return mediaType;
  }

  return {
    /** Checks one response to `method` `url`; throws a ContractViolation listing what differs. */
    check(method: string, url: string, observed: ObservedResponse): Checked {
      const path = new URL(url, 'http://localhost').pathname;
      const verb = method.toUpperCase();
      const problems: string[] = [];
      const found = paths.find((p) => p.pattern.test(path));
      let operation: string;
      let spec: ResponseObject | undefined;
      if (!found) {
        operation = `${verb} (a path the document does not list)`;
        if (observed.status !== 404) problems.push(`status ${observed.status}, not 404`);
        spec = at(document, `#/components/responses/${UNLISTED_PATH}`);
      } else {
        const op = (found.item[verb.toLowerCase()] ??
          (verb === 'HEAD' ? found.item.get : undefined)) as Json | undefined;
        if (!op) {
          operation = `${verb} ${found.template} (a method the path does not list)`;
          const listed = METHODS.filter((m) => found.item[m]).map((m) => m.toUpperCase());
          if (listed.includes('GET') && !listed.includes('HEAD')) listed.push('HEAD');
          const allow = (observed.headers.get('allow') ?? '').split(',').map((m) => m.trim());
          if (observed.status !== 405) problems.push(`status ${observed.status}, not 405`);
          if ([...allow].sort().join() !== [...listed].sort().join())
            problems.push(`Allow: ${allow.join(', ')} but the document lists ${listed.join(', ')}`);
          spec = at(document, `#/components/responses/${UNLISTED_METHOD}`);
        } else {
          operation = `${verb === 'HEAD' ? 'GET' : verb} ${found.template}`;
          const responses = op.responses as Record<string, unknown>;
          spec = responses[String(observed.status)]
            ? deref<ResponseObject>(responses[String(observed.status)])
            : undefined;
          if (!spec) problems.push(`status ${observed.status} is not documented`);
        }
      }
      const mediaType = spec ? checkResponse(spec, observed, verb === 'HEAD', problems) : undefined;
      if (problems.length)
        throw new ContractViolation(
          `${verb} ${url} → ${observed.status} does not match ${operation}:\n  ${problems.join('\n  ')}\n  body: ${observed.body.slice(0, 300)}`,
        );
      return { operation, status: observed.status, ...(mediaType ? { mediaType } : {}) };
    },
  };
}
