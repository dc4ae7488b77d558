/**
 * The public HTTP API's contract: zod schemas of what `data` and `process` accept and answer. The
 * functions validate and type with them; `tools/api` generates the OpenAPI document from them.
 */
export { instant } from './instant';
export {
  FEED_MEDIA_TYPES,
  feedTextRequest,
  feedUrlRequest,
  sourceListQuery,
  sourcePage,
  sourceView,
  type SourcePage,
  type SourceView,
} from './sources';
export { jobAccepted, jobView, type JobAccepted, type JobView } from './jobs';
