// `npx pacs <command>`: start, migrate, user add. Commands that change a running embedded
// appliance go through its HTTP API (the embedded database belongs to that one process).
import { parseArgs } from 'node:util';
import type { Config } from './config.ts';
import { parseConfig, readConfigFile } from './config.ts';
import { startAppliance } from './appliance.ts';
import { openDatabase } from './database.ts';
import { readLock } from './data-dir-lock.ts';
import { createLogger } from './logger.ts';
import { migrate } from './migrate.ts';
import { isRole, ALL_ROLES } from './auth/roles.ts';
import { createUser, MIN_PASSWORD_LENGTH, USERNAME_PATTERN, normalizeUsername } from './auth/users.ts';
import { generatePassword } from './auth/password-hash.ts';
import { readChannelFiles, writeChannelFiles } from './channel-files.ts';
import { parseChannelDefinition } from '../engine/index.ts';

const USAGE = `usage: pacs <command> [options]

commands:
  start [--config FILE]                 run the appliance (what npm start does)
  migrate [--config FILE]               apply pending database migrations and exit
  user add NAME --role ROLE [--password P] [--full-name TEXT] [--config FILE]
                                        create a user (roles: ${ALL_ROLES.join(', ')});
                                        without --password one is generated and printed
  channels export DIR                   write every channel definition to DIR/<id>.channel.yaml
  channels import DIR                   deploy every *.yaml / *.json channel file in DIR

Configuration comes from the environment (PACS_*, DATABASE_URL) and the optional JSON --config file.
Against a running appliance the CLI uses its HTTP API: PACS_URL (found automatically for the
embedded database), PACS_USER and PACS_PASSWORD (an admin).`;

class UsageError extends Error {}

function loadConfig(configFile: string | undefined): Config {
  let file: Record<string, unknown> = {};
  if (configFile) {
    const read = readConfigFile(configFile);
    if (!read.ok) throw new UsageError(read.error.message);
    file = read.value;
  }
  const parsed = parseConfig(process.env, file);
  if (!parsed.ok) throw new UsageError(`configuration: ${parsed.error.message}`);
  return parsed.value;
}

async function start(config: Config): Promise<void> {
  const app = await startAppliance(config);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    app.log.info({ signal }, 'stopping');
    app.stop().then(
      () => {
        app.log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        app.log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

async function runMigrate(config: Config): Promise<void> {
  if (!config.databaseUrl && readLock(config.dataDir)) {
    throw new UsageError(`an appliance is running on ${config.dataDir}; it applies migrations itself at start`);
  }
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log });
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
  } finally {
    await db.close();
  }
}

type Target = { url: string; auth: string } | undefined;

/** The running appliance to talk to over HTTP, when there is one (always, for the embedded database). */
function runningAppliance(config: Config): Target {
  const running = !config.databaseUrl ? readLock(config.dataDir)?.url : undefined;
  const url = process.env.PACS_URL || running;
  if (!url) return undefined;
  const user = process.env.PACS_USER;
  const pass = process.env.PACS_PASSWORD;
  if (!user || !pass) throw new UsageError(`the appliance at ${url} is running: set PACS_USER and PACS_PASSWORD (an admin) to work through it`);
  return { url, auth: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

async function call(t: NonNullable<Target>, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { authorization: t.auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const out = (await res.json().catch(() => ({}))) as { message?: string };
  if (!res.ok) throw new UsageError(`${method} ${path}: ${res.status} ${out.message ?? res.statusText}`);
  return out;
}

async function channelsExport(config: Config, dir: string): Promise<void> {
  const target = runningAppliance(config);
  let defs: { id: string; definition: unknown }[];
  if (target) {
    defs = (await call(target, 'GET', '/api/channels')) as { id: string; definition: unknown }[];
  } else {
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log: createLogger('warn') });
    try {
      await migrate(db);
      defs = (await db.query<{ id: string; definition: unknown }>('select id, definition from channels order by id')).rows;
    } finally {
      await db.close();
    }
  }
  for (const file of writeChannelFiles(dir, defs)) console.log(`wrote ${file}`);
}

async function channelsImport(config: Config, dir: string): Promise<void> {
  const files = readChannelFiles(dir);
  const target = runningAppliance(config);
  if (target) {
    for (const { file, definition } of files) {
      const id = (definition as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') throw new UsageError(`${file}: no channel id`);
      await call(target, 'PUT', `/api/channels/${encodeURIComponent(id)}`, definition);
      console.log(`deployed ${id} from ${file}`);
    }
    return;
  }
  // Offline: validate and store; the appliance runs them at its next start.
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log: createLogger('warn') });
  try {
    await migrate(db);
    for (const { file, definition } of files) {
      const parsed = parseChannelDefinition(definition);
      if (!parsed.ok) throw new UsageError(`${file}: ${parsed.error.message}`);
      await db.query(
        `insert into channels (id, definition) values ($1, $2)
         on conflict (id) do update set definition = excluded.definition, revision = channels.revision + 1, updated_at = now()`,
        [parsed.value.id, JSON.stringify(definition)],
      );
      console.log(`stored ${parsed.value.id} from ${file}`);
    }
  } finally {
    await db.close();
  }
}

async function userAdd(config: Config, name: string, opts: { role?: string; password?: string; fullName?: string }): Promise<void> {
  const username = normalizeUsername(name);
  if (!USERNAME_PATTERN.test(username)) throw new UsageError(`invalid user name "${name}"`);
  if (!isRole(opts.role)) throw new UsageError(`--role must be one of ${ALL_ROLES.join(', ')}`);
  if (opts.password !== undefined && opts.password.length < MIN_PASSWORD_LENGTH) {
    throw new UsageError(`the password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const password = opts.password ?? generatePassword();
  const input = { username, password, role: opts.role, fullName: opts.fullName ?? null };

  const target = runningAppliance(config);
  if (target) {
    await call(target, 'POST', '/api/users', input);
  } else {
    const log = createLogger('warn');
    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log });
    try {
      await migrate(db);
      const made = await createUser(db, input);
      if (!made.ok) throw new UsageError(made.error.message);
    } finally {
      await db.close();
    }
  }
  console.log(`created user "${username}" with role ${opts.role}` + (opts.password ? '' : `, password: ${password}`));
}

export async function runCli(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
      'full-name': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, arg] = positionals;
  try {
    if (values.help || !command) {
      console.log(USAGE);
      return command || values.help ? 0 : 2;
    }
    const config = loadConfig(values.config);
    if (command === 'start') await start(config);
    else if (command === 'migrate') await runMigrate(config);
    else if (command === 'channels' && sub === 'export' && arg) await channelsExport(config, arg);
    else if (command === 'channels' && sub === 'import' && arg) await channelsImport(config, arg);
    else if (command === 'user' && sub === 'add' && arg) {
      await userAdd(config, arg, { role: values.role, password: values.password, fullName: values['full-name'] });
    } else throw new UsageError(`unknown command: ${positionals.join(' ')}\n\n${USAGE}`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`pacs: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
