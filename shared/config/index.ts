/** Configuration: the one place that reads the environment (docs/architecture.md#configuration). */
export { ConfigError, parseConfig, type Env } from './parse';
export { acquireConfig, type AcquireConfig } from './acquire';
export { brokerConfig, type BrokerConfig } from './broker';
export { consoleConfig, type ConsoleConfig } from './console';
export { dataConfig, type DataConfig } from './data';
export { learnConfig, type LearnConfig } from './learn';
export { processConfig, type ProcessConfig } from './process';
export { questionConfig, type QuestionConfig } from './question';
export { runtimeConfig, type RuntimeConfig } from './runtime';
