/**
 * From fetched bytes to a document (docs/safe-fetching.md#7-extraction): charset decoding,
 * main-text extraction, text normalization and the content hash that is the document id.
 */
export {
  extract,
  EXTRACT_MAX_BYTES,
  type Extracted,
  type ExtractInput,
  type ExtractOptions,
} from './extract';
export { decodeBody, type DecodedText, type DecodeHints, type EncodingSource } from './decode';
export { normalizeText } from './normalize-text';
export { contentHash } from './content-hash';
export { ExtractError, type ExtractErrorCode } from './errors';
export {
  MAX_DOM_DEPTH,
  MAX_DOM_ELEMENTS,
  MAX_READABILITY_ELEMENTS,
  MAX_READABILITY_DEPTH,
  MAX_READABILITY_DEPTH_SUM,
  type ExtractionMethod,
} from './html-text';
