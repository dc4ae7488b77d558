import { hostname } from 'node:os';
import { brokerConfig } from '../../shared/config/broker';
import { ConfigError, parseConfig } from '../../shared/config/parse';
import { createLogger } from '../../shared/log/index';
import { startBroker } from './broker';
import { TriggerTableError } from './triggers';

/**
 * Starts the broker from the environment and stops it gracefully on SIGTERM or SIGINT: no new
 * events, deliveries in flight finished, groups left in place. A bad configuration or trigger
 * table ends the process at once with one message listing every problem.
 */
export function main(): void {
  let config;
  try {
    config = parseConfig('broker', brokerConfig);
  } catch (err) {
    fail(err);
    return;
  }
  const log = createLogger({ service: config.K_SERVICE ?? 'broker', level: config.LOG_LEVEL });
  const consumer = config.MULTIVAC_CONSUMER_NAME ?? config.HOSTNAME ?? hostname();
  startBroker({ config, consumer, log }).then(
    (broker) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'signal received');
        broker.stop().then(
          () => process.exit(0),
          (err: unknown) => {
            log.error({ err }, 'graceful stop failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    },
    (err: unknown) => {
      if (err instanceof TriggerTableError || err instanceof ConfigError) fail(err);
      else {
        log.fatal({ err }, 'the broker could not start');
        process.exit(1);
      }
    },
  );
}

/** One readable line (or block) on stderr, as Cloud Logging JSON, then exit 1. */
function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error(JSON.stringify({ severity: 'CRITICAL', service: 'broker', message }));
  process.exit(1);
}
