import * as z from '../zod/index';
import { httpFields, port, positiveInt, redisFields, runtimeFields } from './fields';

/**
 * `broker`: CloudEvents ingress, Redis Stream, trigger dispatchers and the admin endpoint.
 * `PORT` is the ingress (what `K_SINK` points at); `MULTIVAC_BODY_LIMIT_BYTES` limits one
 * ingress request, `MULTIVAC_MAX_EVENT_BYTES` one event in it.
 */
export const brokerConfig = z.object({
  ...runtimeFields,
  ...redisFields,
  ...httpFields,
  /** The trigger table (Knative Trigger shape); a ConfigMap mount in the cluster. */
  MULTIVAC_TRIGGERS_FILE: z.string().check(z.minLength(1)),
  /**
   * The prefix of every Redis key of the broker (each trigger's stream is `<it>:{<trigger>}`).
   * No braces: the broker sets the hash tags itself, one per trigger.
   */
  MULTIVAC_STREAM: z._default(
    z
      .string()
      .check(z.regex(/^[^\s{}]{1,200}$/, 'must be 1-200 characters without whitespace or braces')),
    'multivac:events',
  ),
  /** Admin API (dead letters, re-drive); never routed publicly. Unset: not served. */
  MULTIVAC_ADMIN_PORT: z.optional(port),
  /** The address the ingress and admin listeners bind (tests: 127.0.0.1). */
  MULTIVAC_BROKER_HOST: z._default(z.string().check(z.minLength(1)), '0.0.0.0'),
  /** How a `subscriber.ref` becomes a URL: `{name}` and `{namespace}` are replaced. */
  MULTIVAC_SUBSCRIBER_URL: z._default(
    z.string().check(
      z.refine((value: string) => value.includes('{name}'), 'must contain the {name} placeholder'),
      z.refine((value: string) => {
        try {
          const url = new URL(value.replaceAll('{name}', 'n').replaceAll('{namespace}', 'ns'));
          return url.protocol === 'http:' || url.protocol === 'https:';
        } catch {
          return false;
        }
      }, 'must be an http or https URL once the placeholders are filled in'),
    ),
    'http://{name}.{namespace}.svc.cluster.local',
  ),
  /** The namespace of refs that name none. */
  MULTIVAC_NAMESPACE: z._default(
    z.string().check(z.regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS label')),
    'multivac',
  ),
  /** This instance's consumer name in every group; stable across restarts. Else HOSTNAME. */
  MULTIVAC_CONSUMER_NAME: z.optional(
    z.string().check(z.regex(/^[^\s]{1,100}$/, 'must be 1-100 characters without whitespace')),
  ),
  HOSTNAME: z.optional(z.string()),
  /** Largest single event, as stored (its CloudEvents JSON form). */
  MULTIVAC_MAX_EVENT_BYTES: z._default(positiveInt, 256 * 1024),
  /** Parallel deliveries per trigger. */
  MULTIVAC_DELIVERY_CONCURRENCY: z._default(positiveInt.check(z.lte(1000)), 16),
  /** How long `source` + `id` of an accepted event is remembered to refuse duplicates. */
  MULTIVAC_DEDUP_TTL_SECONDS: z._default(positiveInt, 3600),
  /** How often each trigger's pending list is scanned for retries that are due. */
  MULTIVAC_RETRY_SCAN_MS: z._default(positiveInt, 250),
  /** How often the stream is trimmed and the pending/lag gauges refreshed. */
  MULTIVAC_TRIM_INTERVAL_MS: z._default(positiveInt, 5000),
  /**
   * Added to a trigger's timeout plus its longest backoff to give the idle time after which an
   * entry pending on another consumer is taken over.
   */
  MULTIVAC_VISIBILITY_MARGIN_MS: z._default(positiveInt, 5000),
});
export type BrokerConfig = z.output<typeof brokerConfig>;
