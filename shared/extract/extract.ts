import { parseContentType } from '../fetch/content-type';
import { decodeBody } from './decode';
import { ExtractError } from './errors';
import { canonicalLang, htmlToText, oneLine, type ExtractionMethod } from './html-text';
import { normalizeText } from './normalize-text';

/** Default largest body `extract` accepts: above the fetch limit, so normally never reached. */
export const EXTRACT_MAX_BYTES = 8 * 1024 * 1024;

/** What `extract` knows about a body besides its bytes, usually straight from `safeFetch`. */
export interface ExtractInput {
  /** The raw `Content-Type` header (media type and `charset`). */
  contentType: string;
  /** The final URL; the title of last resort. */
  url: string;
  /** The `Content-Language` header, used when the page does not say its language. */
  contentLanguage?: string;
}

/** Options of {@link extract}. */
export interface ExtractOptions {
  /** Larger bodies are refused. Default {@link EXTRACT_MAX_BYTES}. */
  maxBytes?: number;
}

/** A document's title, normalized main text and language. */
export interface Extracted {
  title: string;
  /** Normalized (see `normalizeText`): NFC, paragraphs separated by one blank line. */
  text: string;
  /** BCP 47, from `<html lang>` or `Content-Language`; absent when neither says. */
  lang?: string;
  /** The encoding the body was decoded with, and how it was chosen. */
  encoding: string;
  method: ExtractionMethod | 'plain';
}

/**
 * Turns a fetched body into a document: decodes it (BOM, HTTP charset, `<meta charset>`, then
 * UTF-8 or windows-1252; see `decodeBody`), extracts the main text of HTML and XHTML with
 * Readability (see `htmlToText`) or takes `text/plain` as it is, and normalizes the text.
 * Hash `text` with `contentHash` for the document id.
 *
 * Heavy parts load lazily: `linkedom`, `@mozilla/readability` and the charset sniffer are imported
 * by the first call, not when the module is imported, so a cold `acquire` starts fast.
 *
 * Throws {@link ExtractError} (always permanent) for an unsupported media type, an oversize body,
 * or a page with no readable text.
 */
export async function extract(
  body: Uint8Array,
  input: ExtractInput,
  options: ExtractOptions = {},
): Promise<Extracted> {
  const maxBytes = options.maxBytes ?? EXTRACT_MAX_BYTES;
  if (body.byteLength > maxBytes) {
    throw new ExtractError('too-large', `document is larger than ${maxBytes} bytes`);
  }
  const type = parseContentType(input.contentType);
  const mediaType = type?.mediaType ?? '';
  const html = mediaType === 'text/html' || mediaType === 'application/xhtml+xml';
  if (!html && mediaType !== 'text/plain') {
    throw new ExtractError('content-type', `cannot extract text from "${mediaType || 'no type'}"`);
  }

  const decoded = await decodeBody(body, {
    html,
    ...(type?.charset ? { charset: type.charset } : {}),
  });
  const page = html
    ? await htmlToText(decoded.text)
    : { text: normalizeText(decoded.text), title: '', method: 'plain' as const };
  if (!page.text) throw new ExtractError('empty', 'no readable text found');

  const title = page.title || firstLine(page.text) || input.url;
  const lang =
    ('lang' in page ? page.lang : undefined) ?? canonicalLang(input.contentLanguage?.split(',')[0]);
  return {
    title,
    text: page.text,
    ...(lang ? { lang } : {}),
    encoding: decoded.encoding,
    method: page.method,
  };
}

/** The first line of plain text, as a title: at most 300 characters. */
function firstLine(text: string): string {
  return oneLine(text.split('\n', 1)[0]);
}
