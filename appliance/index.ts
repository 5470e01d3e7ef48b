// The appliance's public surface, for tests and the CLI.
export { startAppliance, VERSION } from './appliance.ts';
export type { RunningAppliance, StartOptions } from './appliance.ts';
export { parseConfig, readConfigFile, configSchema } from './config.ts';
export type { Config } from './config.ts';
export { createLogger } from './logger.ts';
export type { Logger } from './logger.ts';
export { openDatabase } from './database.ts';
export type { Database, SqlClient } from './database.ts';
export { migrate, loadMigrations } from './migrate.ts';
export { runCli } from './cli.ts';
export { ALL_ROLES } from './auth/roles.ts';
export type { Role } from './auth/roles.ts';
export { HTTP_ERRORS } from './http/error-codes.ts';
