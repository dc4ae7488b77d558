import { FEED_MEDIA_TYPES, sourceListQuery } from '../../shared/api/index';
import { ref, type ParameterName, type ResponseName, type SchemaName } from './components';
import { jsonSchemaOf, type JsonSchema } from './json-schema';

/** One operation of the public API (paths as routed by knative/base/routing.yaml). */
export interface Operation {
  method: 'get' | 'put' | 'post';
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

const schema = (name: SchemaName) => ref('schemas', name);
const shared = (name: ResponseName) => ref('responses', name);
const parameter = (name: ParameterName) => ref('parameters', name);

const json = (
  description: string,
  body: JsonSchema,
  headers: Record<string, unknown> = {},
  type = 'application/json',
) => ({
  description,
  ...(Object.keys(headers).length ? { headers } : {}),
  content: { [type]: { schema: body } },
});

const NO_STORE = {
  'Cache-Control': {
    description: 'never cached: the state changes as pages are fetched and learned',
    required: true,
    schema: { type: 'string', const: 'no-store' },
  },
};
const LOCATION = { Location: ref('headers', 'Location') };

/** Errors of anything with a body: unreadable (400), too large (413), compressed or of the wrong type (415). */
const BODY_ERRORS = {
  '400': shared('BadRequest'),
  '413': shared('PayloadTooLarge'),
  '415': shared('UnsupportedMediaType'),
};
/** Errors of anything that reads or writes MongoDB, Redis or the broker. */
const BACKEND_ERRORS = { '500': shared('InternalError'), '503': shared('ServiceUnavailable') };
const FEED_BODY = (name: SchemaName, description: string) => ({
  required: true,
  description,
  content: Object.fromEntries(FEED_MEDIA_TYPES.map((type) => [type, { schema: schema(name) }])),
});

/** `GET /multivac/data`'s query parameters, one per field of the query schema. */
function queryParameters(): unknown[] {
  const query = jsonSchemaOf(sourceListQuery, 'input') as {
    properties: Record<string, JsonSchema & { description?: string }>;
    required?: string[];
  };
  return Object.entries(query.properties).map(([name, { description, ...rest }]) => ({
    name,
    in: 'query',
    required: query.required?.includes(name) ?? false,
    ...(description ? { description } : {}),
    schema: rest,
  }));
}

const representation = (
  description: string,
  content: Record<string, { schema: JsonSchema }>,
  extraHeaders: Record<string, unknown> = {},
) => ({
  description,
  headers: { ETag: ref('headers', 'ETag'), ...extraHeaders },
  content,
});

/** Every operation MultiVAC serves, in the order of its routes. */
export function operations(): Operation[] {
  return [
    {
      method: 'get',
      path: '/',
      operationId: 'welcome',
      summary: 'Welcome',
      responses: {
        '200': json('the welcome text', { type: 'string' }, {}, 'text/plain'),
        '500': shared('InternalError'),
      },
    },
    {
      method: 'get',
      path: '/multivac',
      operationId: 'getAnswer',
      summary: 'The answer to "How can the entropy of the universe be reversed?"',
      description:
        'Plain text by default: exactly `INSUFFICIENT DATA FOR MEANINGFUL ANSWER.` until MultiVAC ' +
        'knows enough, then the answer with numbered citations. `Accept: application/json` gives ' +
        'the answer with its status, confidence and sources. The `ETag` changes with the ' +
        'knowledge version and differs between the two representations (`Vary: Accept`).',
      parameters: [parameter('IfNoneMatch')],
      responses: {
        '200': representation(
          'the current answer',
          {
            'text/plain': { schema: { type: 'string' } },
            'application/json': { schema: schema('Answer') },
          },
          {
            Vary: { required: true, schema: { type: 'string', const: 'Accept' } },
            'Cache-Control': {
              description: 'revalidate with `If-None-Match` before reusing',
              required: true,
              schema: { type: 'string', const: 'no-cache' },
            },
          },
        ),
        '304': {
          description: 'the answer is still the one of `If-None-Match`',
          headers: { ETag: ref('headers', 'ETag') },
        },
        ...BACKEND_ERRORS,
      },
    },
    {
      method: 'get',
      path: '/multivac/openapi.json',
      operationId: 'getOpenApi',
      summary: 'This document',
      parameters: [parameter('IfNoneMatch')],
      responses: {
        '200': representation('the OpenAPI 3.1 document of this API', {
          'application/json': { schema: { type: 'object', required: ['openapi', 'paths'] } },
        }),
        '304': {
          description: 'the document is still the one of `If-None-Match`',
          headers: { ETag: ref('headers', 'ETag') },
        },
        '500': shared('InternalError'),
      },
    },
    {
      method: 'post',
      path: '/multivac',
      operationId: 'startLearning',
      summary: 'Start a learning job',
      description:
        'Learns every page fed before it, including pages still being fetched. The body, if any, ' +
        'is ignored. The job is recorded before it is queued; if the broker cannot take it, the ' +
        'answer is `503` and the job is recorded as failed. Jobs started are limited per client ' +
        'address.',
      responses: {
        '202': json('the job is queued', schema('JobAccepted'), LOCATION),
        '413': shared('PayloadTooLarge'),
        '415': shared('UnsupportedMediaType'),
        '429': shared('TooManyRequests'),
        ...BACKEND_ERRORS,
      },
    },
    {
      method: 'get',
      path: '/multivac/data',
      operationId: 'listSources',
      summary: 'The sources fed so far, a page at a time',
      parameters: queryParameters(),
      responses: {
        '200': json('a page of sources', schema('SourcePage'), NO_STORE),
        '400': shared('BadRequest'),
        ...BACKEND_ERRORS,
      },
    },
    {
      method: 'put',
      path: '/multivac/data',
      operationId: 'feedUrl',
      summary: 'Feed a page to learn from',
      description:
        'The URL is normalized; private addresses are refused. Idempotent by normalized URL: a ' +
        'page on its way is not fetched twice, one that failed is requested again. Writes are ' +
        'limited per client address.',
      requestBody: FEED_BODY('FeedUrl', 'the page, as JSON or as a form'),
      responses: {
        '200': json('the page was learned from before; nothing to do', schema('Source'), {
          ...LOCATION,
          ...NO_STORE,
        }),
        '202': json('the page will be fetched (or is on its way)', schema('Source'), {
          ...LOCATION,
          ...NO_STORE,
        }),
        ...BODY_ERRORS,
        '429': shared('TooManyRequests'),
        ...BACKEND_ERRORS,
      },
    },
    {
      method: 'post',
      path: '/multivac/data',
      operationId: 'feedText',
      summary: 'Feed raw text to learn from',
      description:
        'The text becomes a document at once (the next learning job learns it). The same text ' +
        'again changes nothing. Writes are limited per client address.',
      requestBody: FEED_BODY('FeedText', 'the text, as JSON `text` or form field `data`'),
      responses: {
        '200': json('this text was fed before', schema('Source'), { ...LOCATION, ...NO_STORE }),
        '202': json('the text is recorded', schema('Source'), { ...LOCATION, ...NO_STORE }),
        ...BODY_ERRORS,
        '429': shared('TooManyRequests'),
        ...BACKEND_ERRORS,
      },
    },
    {
      method: 'get',
      path: '/multivac/data/{id}',
      operationId: 'getSource',
      summary: 'One source and how far it got',
      parameters: [parameter('SourceId')],
      responses: {
        '200': json('the source', schema('Source'), NO_STORE),
        '400': shared('BadRequest'),
        '404': shared('NotFound'),
        ...BACKEND_ERRORS,
      },
    },
    {
      method: 'get',
      path: '/multivac/jobs/{id}',
      operationId: 'getJob',
      summary: 'A learning job and its progress',
      parameters: [parameter('JobId')],
      responses: {
        '200': json('the job; counts are live while it runs', schema('Job'), NO_STORE),
        '400': shared('BadRequest'),
        '404': shared('NotFound'),
        ...BACKEND_ERRORS,
      },
    },
  ];
}
