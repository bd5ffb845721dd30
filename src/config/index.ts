/** The agent's settings file: read once at start, validated with errors naming file and key, then frozen. */
export { ConfigError, loadConfig, parseConfig } from './load.js';
export type { Config } from './schema.js';
