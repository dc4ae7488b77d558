import * as z from '../../shared/zod/index';
import { answerView } from '../../shared/knowledge/answer-view';
import { entityId } from '../../shared/events/index';
import {
  feedTextRequest,
  feedUrlRequest,
  instant,
  jobAccepted,
  jobView,
  sourcePage,
  sourceView,
} from '../../shared/api/index';
import { problemDocument } from '../../shared/http/index';
import { componentSchemas, jsonSchemaOf, type JsonSchema } from './json-schema';

/** `#/components/<kind>/<name>`. */
export const ref = (kind: 'schemas' | 'responses' | 'headers' | 'parameters', name: string) => ({
  $ref: `#/components/${kind}/${name}`,
});

/** What MultiVAC answers, by component name. */
const RESPONSE_SCHEMAS = {
  Answer: answerView.clone().register(z.globalRegistry, {
    description: 'the current answer: insufficient, or an extractive answer citing its sources',
  }),
  Source: sourceView,
  SourcePage: sourcePage,
  Job: jobView,
  JobAccepted: jobAccepted,
  Problem: problemDocument,
  Instant: instant,
};

/** What clients send, by component name. */
const REQUEST_SCHEMAS = { FeedUrl: feedUrlRequest, FeedText: feedTextRequest };

export type SchemaName = keyof typeof RESPONSE_SCHEMAS | keyof typeof REQUEST_SCHEMAS;

const PROBLEM = 'application/problem+json';

const header = (description: string, schema: JsonSchema, required = true) => ({
  description,
  required,
  schema,
});

const HEADERS = {
  ETag: header("the representation's validator; send it back as `If-None-Match`", {
    type: 'string',
  }),
  Location: header('where the created or known resource is', { type: 'string' }),
  RetryAfter: header('seconds to wait before trying again', { type: 'integer', minimum: 1 }),
  Allow: header('the methods this path takes', { type: 'string' }),
};

/** Problem responses shared by operations: status → what it means here. */
const problem = (description: string, headers: Record<string, unknown> = {}) => ({
  description,
  ...(Object.keys(headers).length ? { headers } : {}),
  content: { [PROBLEM]: { schema: ref('schemas', 'Problem') } },
});

const RESPONSES = {
  BadRequest: problem('the request is malformed or invalid; `detail` says what to change'),
  NotFound: problem('no such resource (also: any path this document does not list)'),
  MethodNotAllowed: problem('the path does not take this method (answered at the gateway)', {
    Allow: ref('headers', 'Allow'),
  }),
  PayloadTooLarge: problem('the body is larger than the limit (1 MiB by default)'),
  UnsupportedMediaType: problem(
    'the body has a media type this operation does not read, or a content-encoding',
  ),
  TooManyRequests: problem('too many writes from this client address this minute', {
    'Retry-After': ref('headers', 'RetryAfter'),
  }),
  InternalError: problem('an unexpected failure; it has been logged'),
  ServiceUnavailable: problem('a backing service (MongoDB, Redis, the broker) is unreachable', {
    'Retry-After': ref('headers', 'RetryAfter'),
  }),
};

export type ResponseName = keyof typeof RESPONSES;

const PARAMETERS = {
  SourceId: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'a source id this API gave out (`id` of a source); any other is a 404',
    schema: jsonSchemaOf(entityId, 'input'),
  },
  JobId: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'a job id this API gave out (`jobId`); any other is a 404',
    schema: jsonSchemaOf(entityId, 'input'),
  },
  IfNoneMatch: {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description: 'an `ETag` received before: `304` while it is still current',
    schema: { type: 'string' },
  },
};

export type ParameterName = keyof typeof PARAMETERS;

/** The `components` object of the OpenAPI document. */
export function components() {
  return {
    schemas: {
      ...componentSchemas(RESPONSE_SCHEMAS, 'output'),
      ...componentSchemas(REQUEST_SCHEMAS, 'input'),
    },
    responses: RESPONSES,
    headers: HEADERS,
    parameters: PARAMETERS,
  };
}
