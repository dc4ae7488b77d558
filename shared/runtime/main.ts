import { parseConfig, type Env } from '../config/parse';
import { runtimeConfig } from '../config/runtime';
import { createLogger } from '../log/index';
import { metricsForProcess, startMetricsServer } from '../metrics/index';
import { listen } from './listen';
import { createFunctionServer, type Signature } from './server';
import { startWarmUp } from './warm-up';
import { monotonicMs } from '../metrics/clock';

export interface RunningFunction {
  port: number;
  metricsPort?: number;
  close(): Promise<void>;
}

/**
 * Starts a registered function the way its container does: configuration from the environment,
 * the framework's server behind MultiVAC's guards on PORT, metrics on METRICS_PORT.
 *
 * On SIGTERM the server stops accepting and the process exits once in-flight requests finish (at
 * most 10 s). Nothing depends on that: every handler is idempotent and the broker redelivers
 * whatever an interrupted invocation did not acknowledge.
 */
export async function runFunction(
  target: string,
  signature: Signature,
  env?: Env,
): Promise<RunningFunction> {
  const started = monotonicMs();
  const config = parseConfig(target, runtimeConfig, env);
  const log = createLogger({ service: config.K_SERVICE ?? target, level: config.LOG_LEVEL });
  const server = createFunctionServer({
    target,
    signature,
    bodyLimit: config.MULTIVAC_BODY_LIMIT_BYTES,
    ...(config.MULTIVAC_BODY_BUDGET_BYTES ? { bodyBudget: config.MULTIVAC_BODY_BUDGET_BYTES } : {}),
    log,
  });
  const port = await listen(server, config.PORT, config.MULTIVAC_LISTEN_HOST);
  startWarmUp(server, log);
  const metrics =
    config.METRICS_PORT === undefined
      ? undefined
      : await startMetricsServer(
          metricsForProcess(target).registry,
          config.METRICS_PORT,
          config.MULTIVAC_LISTEN_HOST,
        );
  log.info(
    {
      port,
      metricsPort: metrics?.port,
      signature,
      startupMs: Math.round(monotonicMs() - started),
    },
    `${target} listening`,
  );

  const close = async () => {
    server.closeIdleConnections();
    await Promise.race([
      new Promise<void>((resolve) => server.close(() => resolve())),
      new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref()),
    ]);
    await metrics?.close();
  };
  process.once('SIGTERM', () => {
    log.info('SIGTERM: finishing in-flight requests');
    void close().finally(() => process.exit(0));
  });
  return { port, ...(metrics ? { metricsPort: metrics.port } : {}), close };
}
