import * as z from '../zod/index';

/** Building blocks of the per-function schemas; names: docs/architecture.md#configuration. */

/**
 * Metadata of a variable whose value must never be printed: a configuration error names it and
 * says what is wrong, never what it holds (`parseConfig`). Marked: `REDIS_URL` (Memorystore's
 * AUTH string is its password) and `MONGODB_URI` (user and password).
 */
export const secretVariable = { secret: true } as const;

/**
 * Names that look like they hold a credential, secret or not marked: their values are never
 * printed either, so a variable added later without the mark is safe by its name.
 */
export const secretLikeName = /PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|AUTH|_KEY$|^KEY$|_URI$/;

const port = z.coerce.number().check(z.int(), z.gte(0), z.lte(65535));

const url = (protocols: readonly string[]) =>
  z.string().check(
    z.refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      {
        message: `must be a URL with scheme ${protocols.map((p) => p.replace(':', '')).join(' or ')}`,
      },
    ),
  );

const positiveInt = z.coerce.number().check(z.int(), z.positive());

/** Every process: logging, HTTP port, metrics port (unset = no metrics listener). */
export const runtimeFields = {
  LOG_LEVEL: z._default(
    z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    'info',
  ),
  PORT: z._default(port, 8080),
  METRICS_PORT: z.optional(port),
  /** Interface to listen on: all in a container; the local stack keeps functions on loopback. */
  MULTIVAC_LISTEN_HOST: z._default(z.union([z.ipv4(), z.ipv6()]), '0.0.0.0'),
  /** Identifies the function in logs and metrics; Knative sets K_SERVICE. */
  K_SERVICE: z.optional(z.string()),
  /** Qualifies trace ids in logs (Cloud Trace resource names); optional. */
  GOOGLE_CLOUD_PROJECT: z.optional(z.string()),
};

export const redisFields = {
  REDIS_URL: url(['redis:', 'rediss:']).register(z.globalRegistry, secretVariable),
};

/** Functions that publish events (the Knative SinkBinding contract). */
export const sinkFields = {
  K_SINK: url(['http:', 'https:']),
  MULTIVAC_EMIT_TIMEOUT_MS: z._default(positiveInt, 5000),
};

/** Functions that serve HTTP requests from users. */
export const httpFields = {
  MULTIVAC_BODY_LIMIT_BYTES: z._default(positiveInt, 1024 * 1024),
};

/** Requests per client address and minute, and how that address is found behind proxies. */
export const rateLimitFields = (perMinute: number) => ({
  MULTIVAC_RATE_LIMIT_PER_MINUTE: z._default(positiveInt, perMinute),
  /**
   * Proxies in front of the function that append to X-Forwarded-For (the gateway: 1). The client
   * address is the entry that many places from the right; 0 uses the socket's peer.
   */
  MULTIVAC_TRUSTED_PROXY_HOPS: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(10)), 1),
});

/** The address policy of user URLs (docs/safe-fetching.md): `data`'s early check, `acquire`. */
export const fetchPolicyFields = {
  /** Private ranges that may be fetched anyway (tests, the local corpus server). Empty: none. */
  MULTIVAC_FETCH_ALLOWED_CIDRS: z.pipe(
    z._default(z.string(), ''),
    z.transform((value: string) =>
      value
        .split(',')
        .map((cidr) => cidr.trim())
        .filter(Boolean),
    ),
  ),
};

export const cacheFields = {
  MULTIVAC_CACHE_TTL_SECONDS: z._default(positiveInt, 3600),
  /** Namespace of MultiVAC's Redis keys (cache, job counts), so one Redis serves several installations. */
  MULTIVAC_CACHE_PREFIX: z._default(
    z
      .string()
      .check(z.regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 characters of [A-Za-z0-9_.:-]')),
    'multivac',
  ),
};

export { port, positiveInt, url };
