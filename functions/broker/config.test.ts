import { describe, expect, it } from 'vitest';
import { ConfigError, brokerConfig, parseConfig } from '../../shared/config/index';

const required = { REDIS_URL: 'redis://127.0.0.1:6379', MULTIVAC_TRIGGERS_FILE: '/t.yaml' };

describe('brokerConfig', () => {
  it('has defaults for everything but Redis and the trigger table', () => {
    expect(parseConfig('broker', brokerConfig, required)).toMatchObject({
      PORT: 8080,
      MULTIVAC_STREAM: 'multivac:events',
      MULTIVAC_BROKER_HOST: '0.0.0.0',
      MULTIVAC_SUBSCRIBER_URL: 'http://{name}.{namespace}.svc.cluster.local',
      MULTIVAC_NAMESPACE: 'multivac',
      MULTIVAC_BODY_LIMIT_BYTES: 1024 * 1024,
      MULTIVAC_MAX_EVENT_BYTES: 256 * 1024,
      MULTIVAC_DELIVERY_CONCURRENCY: 16,
      MULTIVAC_DEDUP_TTL_SECONDS: 3600,
      MULTIVAC_RETRY_SCAN_MS: 250,
      MULTIVAC_TRIM_INTERVAL_MS: 5000,
      MULTIVAC_VISIBILITY_MARGIN_MS: 5000,
    });
  });

  it.each([
    [{}, ['REDIS_URL: required', 'MULTIVAC_TRIGGERS_FILE: required']],
    [{ ...required, MULTIVAC_SUBSCRIBER_URL: 'http://fixed/' }, ['{name} placeholder']],
    [{ ...required, MULTIVAC_SUBSCRIBER_URL: 'ftp://{name}/' }, ['http or https']],
    [{ ...required, MULTIVAC_STREAM: 'a b' }, ['MULTIVAC_STREAM']],
    [{ ...required, MULTIVAC_STREAM: '{multivac}:events' }, ['MULTIVAC_STREAM', 'braces']],
    [{ ...required, MULTIVAC_DELIVERY_CONCURRENCY: '0' }, ['MULTIVAC_DELIVERY_CONCURRENCY']],
    [{ ...required, MULTIVAC_ADMIN_PORT: '99999' }, ['MULTIVAC_ADMIN_PORT']],
  ])('refuses %j', (env, fragments) => {
    let error: unknown;
    try {
      parseConfig('broker', brokerConfig, env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    for (const fragment of fragments) expect((error as Error).message).toContain(fragment);
  });
});
