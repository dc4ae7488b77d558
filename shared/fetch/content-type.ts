/** A parsed `Content-Type` header. */
export interface ContentType {
  /** `type/subtype`, lower case, without parameters: `text/html`. */
  mediaType: string;
  /** The `charset` parameter, lower case, unquoted; absent when the header has none. */
  charset?: string;
}

const token = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * Parses a `Content-Type` header value leniently (RFC 9110 §8.3): the media type and its
 * `charset` parameter. Returns `undefined` when there is no usable media type.
 */
export function parseContentType(header: string | undefined): ContentType | undefined {
  if (!header) return undefined;
  const [essence = '', ...params] = header.split(';');
  const mediaType = essence.trim().toLowerCase();
  const [type, subtype, extra] = mediaType.split('/');
  if (!type || !subtype || extra !== undefined || !token.test(type) || !token.test(subtype)) {
    return undefined;
  }
  const result: ContentType = { mediaType };
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const value = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim()
      .toLowerCase();
    if (value) result.charset = value;
    break;
  }
  return result;
}
