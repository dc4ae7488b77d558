import { STATUS_CODES, type ServerResponse } from 'node:http';
import * as z from '../zod/index';

/**
 * RFC 9457 problem details, the body of every error MultiVAC answers (`application/problem+json`),
 * from a function or from the gateway. Extension members may follow the standard ones.
 */
export const problemDocument = z
  .looseObject({
    type: z.string().register(z.globalRegistry, {
      description: 'always `about:blank`: the status says what happened',
    }),
    title: z
      .string()
      .register(z.globalRegistry, { description: "the status code's reason phrase" }),
    status: z.number().check(z.int(), z.gte(400), z.lte(599)),
    detail: z
      .string()
      .register(z.globalRegistry, { description: 'what was wrong, for a person to read' }),
    instance: z
      .optional(z.string())
      .register(z.globalRegistry, { description: 'the path of the request' }),
  })
  .register(z.globalRegistry, { description: 'RFC 9457 problem details' });
export type Problem = z.output<typeof problemDocument>;

/** An error that becomes a problem+json response with its status. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail);
  }
}

export function problem(
  status: number,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...extensions,
  };
}

/** Writes `application/problem+json` (works on a bare Node response and on Express's). */
export function sendProblem(
  res: ServerResponse,
  status: number,
  detail: string,
  {
    headers = {},
    instance,
    extensions = {},
  }: {
    headers?: Record<string, string>;
    instance?: string;
    extensions?: Record<string, unknown>;
  } = {},
): void {
  if (res.headersSent) return;
  const body = JSON.stringify(
    problem(status, detail, { ...(instance ? { instance } : {}), ...extensions }),
  );
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}
