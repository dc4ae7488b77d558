/** A strong validator per knowledge version and representation (text and JSON differ). */
export const etagFor = (knowledgeVersion: string, representation: 'text' | 'json') =>
  `"kv${knowledgeVersion.replace(/[^A-Za-z0-9._-]/g, '')}-${representation}"`;

/** RFC 9110 §13.1.2: If-None-Match uses weak comparison; `*` matches any current representation. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => opaque(candidate) === opaque(etag));
}
