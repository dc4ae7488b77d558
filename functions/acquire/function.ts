import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { acquireConfig } from '../../shared/config/acquire';
import { ConfigError, type Env } from '../../shared/config/parse';
import { EventType } from '../../shared/events/index';
import { parseCidrs, safeFetch, type Resolver } from '../../shared/fetch/index';
import {
  databaseFor,
  eventFunction,
  functionContext,
  sinkEmitter,
} from '../../shared/runtime/index';
import { acquireHandler } from './acquire';
import { acquireMetrics } from './metrics';

/**
 * The `acquire` function. Configuration (including the allowed CIDRs) is checked here, at
 * registration, so a bad environment stops the container at start with one readable error; the
 * database connects on first use and undici and the extractor load on the first fetch. `resolve`
 * replaces the system resolver (tests give names whatever answers a case needs).
 */
export function acquireFunction(
  env?: Env,
  { resolve }: { resolve?: Resolver } = {},
): CloudEventFunction {
  const { config, log, metrics } = functionContext('acquire', acquireConfig, env);
  try {
    parseCidrs(config.MULTIVAC_FETCH_ALLOWED_CIDRS);
  } catch (err) {
    throw new ConfigError('acquire', [`MULTIVAC_FETCH_ALLOWED_CIDRS: ${(err as Error).message}`]);
  }
  const fetchOptions = {
    allowedCidrs: config.MULTIVAC_FETCH_ALLOWED_CIDRS,
    timeoutMs: config.MULTIVAC_FETCH_TIMEOUT_MS,
    maxBytes: config.MULTIVAC_FETCH_MAX_BYTES,
    maxRedirects: config.MULTIVAC_FETCH_MAX_REDIRECTS,
    ...(resolve ? { resolve } : {}),
  };
  const handler = acquireHandler({
    db: databaseFor(config, 'acquire', metrics),
    emit: sinkEmitter(config, metrics),
    fetchPage: (url) => safeFetch(url, fetchOptions),
    maxAttempts: config.MULTIVAC_FETCH_MAX_ATTEMPTS,
    metrics: acquireMetrics(metrics),
  });
  return eventFunction([EventType.SourceRequested], handler, {
    log,
    metrics,
    ...(config.GOOGLE_CLOUD_PROJECT ? { projectId: config.GOOGLE_CLOUD_PROJECT } : {}),
  });
}
