import * as z from 'zod';
import { SOURCE_KINDS, SOURCE_STATES } from '../store/index';
import { instant } from './instant';

/** The media types `PUT` and `POST /multivac/data` read a body from. */
export const FEED_MEDIA_TYPES = ['application/json', 'application/x-www-form-urlencoded'] as const;

const pageAddress = z
  .string({ error: 'must be a string' })
  .max(4096, 'is too long')
  .meta({ description: 'an http or https URL; never a private address' });

/**
 * The body of `PUT /multivac/data`: the page as `url`, or as `URL` (the original challenge's
 * name), in a JSON object or a form. Both given and different is ambiguous, hence a 400.
 */
export const feedUrlRequest = z
  .object({ url: pageAddress.optional(), URL: pageAddress.optional() })
  .refine((body) => body.url !== undefined || body.URL !== undefined, {
    error: 'send the page address as "url" (or "URL")',
  })
  .refine((body) => body.url === undefined || body.URL === undefined || body.url === body.URL, {
    error: '"url" and "URL" disagree; send one',
  })
  .meta({
    description: 'a page to learn from, as `url` or `URL` (the same value when both are given)',
    anyOf: [{ required: ['url'] }, { required: ['URL'] }],
  });

const rawText = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'is empty')
  .meta({ description: 'plain text, not empty' });

/** The body of `POST /multivac/data`: raw text as form field `data` (the original app) or `text`. */
export const feedTextRequest = z
  .object({ text: rawText.optional(), data: rawText.optional() })
  .refine((body) => body.text !== undefined || body.data !== undefined, {
    error: 'send the text as form field "data" or JSON "text"',
  })
  .meta({
    description: 'raw text to learn from, as `text` or `data` (`text` wins when both are given)',
    anyOf: [{ required: ['text'] }, { required: ['data'] }],
  });

/** The query of `GET /multivac/data`; the cursor comes back decoded. */
export const sourceListQuery = z.strictObject({
  state: z.enum(SOURCE_STATES).optional().meta({ description: 'only sources in this state' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .meta({ description: 'sources per page' }),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, 'is not a cursor this API gave out')
    .transform((c) => Buffer.from(c, 'base64url').toString('utf8'))
    .optional()
    .meta({ description: '`next` of the previous page' }),
});

/** A source (a page fed with PUT, or raw text posted) as the API shows it. */
export const sourceView = z
  .object({
    id: z.string().meta({ description: '`src-…` for a page, `txt-…` for raw text' }),
    url: z.string().meta({ description: 'the normalized URL; `text:<hash>` for raw text' }),
    kind: z.enum(SOURCE_KINDS),
    state: z.enum(SOURCE_STATES).meta({
      description: 'requested → fetching → acquired, or failed (PUT the URL again to retry)',
    }),
    reason: z.string().optional().meta({ description: 'why it failed' }),
    documentId: z.string().optional().meta({ description: 'the document its text became' }),
    title: z.string().optional(),
    requestedAt: instant,
    updatedAt: instant,
  })
  .meta({ description: 'a source of knowledge and how far it got' });
export type SourceView = z.output<typeof sourceView>;

/** One page of `GET /multivac/data`. */
export const sourcePage = z
  .object({
    items: z.array(sourceView),
    next: z
      .string()
      .nullable()
      .meta({ description: 'the `cursor` of the next page; null on the last one' }),
  })
  .meta({ description: 'sources in id order' });
export type SourcePage = z.output<typeof sourcePage>;
