/**
 * The URL as a link target when it is an absolute http(s) URL; undefined for anything else
 * (`javascript:`, `data:`, relative or unparseable), which the page then shows as text only.
 * Source URLs come from users and the web: they are hostile input.
 */
export function linkTarget(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
