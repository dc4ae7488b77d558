import type { HttpFunction } from '@google-cloud/functions-framework';
import manifest from 'multivac:browser-assets';
import { consoleConfig } from '../../shared/config/console';
import { type Env } from '../../shared/config/parse';
import { createRouter } from '../../shared/http/index';
import { QUESTION } from '../../shared/knowledge/question';
import { functionContext } from '../../shared/runtime/context';
import { assetTable } from './assets';
import { consolePage } from './page';
import { consoleRoutes } from './routes';

/**
 * The `console` function: the web console's page and browser assets, all embedded in its bundle.
 * Configuration and the assets are checked at registration, so a bad build stops the container.
 */
export function consoleFunction(env?: Env): HttpFunction {
  const { config, log, metrics } = functionContext('console', consoleConfig, env);
  const assets = assetTable(manifest);
  const routes = consoleRoutes({ assets, page: consolePage(assets, QUESTION) });
  return createRouter(routes, { log, metrics, projectId: config.GOOGLE_CLOUD_PROJECT });
}
