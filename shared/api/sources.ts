import * as z from '../zod/index';
import { SOURCE_KINDS, SOURCE_STATES } from '../store/index';
import { instant } from './instant';

/** The media types `PUT` and `POST /multivac/data` read a body from. */
export const FEED_MEDIA_TYPES = ['application/json', 'application/x-www-form-urlencoded'] as const;

const pageAddress = z
  .string({ error: 'must be a string' })
  .check(z.maxLength(4096, 'is too long'))
  .register(z.globalRegistry, { description: 'an http or https URL; never a private address' });

/**
 * The body of `PUT /multivac/data`: the page as `url`, or as `URL` (the original challenge's
 * name), in a JSON object or a form. Both given and different is ambiguous, hence a 400.
 */
export const feedUrlRequest = z
  .object({ url: z.optional(pageAddress), URL: z.optional(pageAddress) })
  .check(
    z.refine((body) => body.url !== undefined || body.URL !== undefined, {
      error: 'send the page address as "url" (or "URL")',
    }),
    z.refine((body) => body.url === undefined || body.URL === undefined || body.url === body.URL, {
      error: '"url" and "URL" disagree; send one',
    }),
  )
  .register(z.globalRegistry, {
    description: 'a page to learn from, as `url` or `URL` (the same value when both are given)',
    anyOf: [{ required: ['url'] }, { required: ['URL'] }],
  });

const rawText = z
  .string({ error: 'must be a string' })
  .check(z.trim(), z.minLength(1, 'is empty'))
  .register(z.globalRegistry, { description: 'plain text, not empty' });

/** The body of `POST /multivac/data`: raw text as form field `data` (the original app) or `text`. */
export const feedTextRequest = z
  .object({ text: z.optional(rawText), data: z.optional(rawText) })
  .check(
    z.refine((body) => body.text !== undefined || body.data !== undefined, {
      error: 'send the text as form field "data" or JSON "text"',
    }),
  )
  .register(z.globalRegistry, {
    description: 'raw text to learn from, as `text` or `data` (`text` wins when both are given)',
    anyOf: [{ required: ['text'] }, { required: ['data'] }],
  });

/** The query of `GET /multivac/data`; the cursor comes back decoded. */
export const sourceListQuery = z.strictObject({
  state: z
    .optional(z.enum(SOURCE_STATES))
    .register(z.globalRegistry, { description: 'only sources in this state' }),
  limit: z
    ._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(200)), 50)
    .register(z.globalRegistry, { description: 'sources per page' }),
  cursor: z
    .optional(
      z.pipe(
        z.string().check(z.regex(/^[A-Za-z0-9_-]{1,200}$/, 'is not a cursor this API gave out')),
        z.transform((c: string) => Buffer.from(c, 'base64url').toString('utf8')),
      ),
    )
    .register(z.globalRegistry, { description: '`next` of the previous page' }),
});

/** A source (a page fed with PUT, or raw text posted) as the API shows it. */
export const sourceView = z
  .object({
    id: z
      .string()
      .register(z.globalRegistry, { description: '`src-…` for a page, `txt-…` for raw text' }),
    url: z.string().register(z.globalRegistry, {
      description: 'the normalized URL; `text:<hash>` for raw text',
    }),
    kind: z.enum(SOURCE_KINDS),
    state: z.enum(SOURCE_STATES).register(z.globalRegistry, {
      description: 'requested → fetching → acquired, or failed (PUT the URL again to retry)',
    }),
    reason: z.optional(z.string()).register(z.globalRegistry, { description: 'why it failed' }),
    documentId: z
      .optional(z.string())
      .register(z.globalRegistry, { description: 'the document its text became' }),
    title: z.optional(z.string()),
    requestedAt: instant,
    updatedAt: instant,
  })
  .register(z.globalRegistry, { description: 'a source of knowledge and how far it got' });
export type SourceView = z.output<typeof sourceView>;

/** One page of `GET /multivac/data`. */
export const sourcePage = z
  .object({
    items: z.array(sourceView),
    next: z.nullable(z.string()).register(z.globalRegistry, {
      description: 'the `cursor` of the next page; null on the last one',
    }),
  })
  .register(z.globalRegistry, { description: 'sources in id order' });
export type SourcePage = z.output<typeof sourcePage>;
