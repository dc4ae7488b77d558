import { nodeCrypto } from '../runtime/node-crypto';
import { normalizeText } from './normalize-text';

/**
 * SHA-256 (lower-case hex) of the normalized text: the document `_id`, so the same content
 * fetched from two URLs, or twice, is one document. Normalizes first, so callers cannot
 * disagree on it.
 */
export function contentHash(text: string): string {
  return nodeCrypto().createHash('sha256').update(normalizeText(text), 'utf8').digest('hex');
}
