/** The build: discover functions and bundle each one (tools only). */
export { discoverFunctions, kindOf, isValidName, type FunctionSource, type Kind } from './discover';
export {
  BUNDLE,
  bundleFunction,
  codeCacheEnv,
  bundleOptions,
  OPTIONAL_PEERS,
  STARTER,
  starterOptions,
  writeCodeCache,
  type BundleReport,
} from './bundle';
export { withTrainingServers, type TrainingServers } from './training';
export {
  BROWSER_ASSETS_MODULE,
  BROWSER_TARGET,
  browserAssetsPlugin,
  buildBrowserAssets,
  type BrowserAssets,
  type BrowserFile,
} from './browser';
