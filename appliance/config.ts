// The appliance's configuration: one zod schema, read once at start-up from the environment and an
// optional JSON config file (same variable names; the environment wins), then frozen and passed down.
// Nothing outside appliance/ reads process.env. The names and defaults are the contract of
// ../shared/docs/interfaces.md; config.test.ts checks that both lists agree.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const optionalText = z.string().trim().min(1).optional();

/**
 * `AET@host:port,AET2@host:port` (an IPv6 host in brackets: `WS@[::1]:104`). AE titles are 1 to 16
 * characters without backslash or control characters (PS3.5 6.2), each named once; ports 1 to 65535.
 */
const peerList = z.string().transform((text, ctx) => {
  const peers: { aet: string; host: string; port: number }[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([\x20-\x3f\x41-\x5b\x5d-\x7e]{1,16})@(\[[0-9A-Fa-f:.]+\]|[^\s@[\]:]+):(\d{1,5})$/.exec(item);
    const port = Number(m?.[3]);
    const aet = m?.[1]!.trim() ?? '';
    if (!m || !aet || port < 1 || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `expected AET@host:port (AE title of 1-16 characters, port 1-65535), got "${item}"` });
      return z.NEVER;
    }
    if (peers.some((p) => p.aet === aet)) {
      ctx.addIssue({ code: 'custom', message: `AE title "${aet}" is listed twice` });
      return z.NEVER;
    }
    peers.push({ aet, host: m[2]!.replace(/^\[(.*)\]$/, '$1'), port });
  }
  return peers;
});

/** `host:port[,host:port]` */
const hostPortList = z.string().transform((text, ctx) => {
  const out: { host: string; port: number }[] = [];
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(.+):(\d{1,5})$/.exec(item);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `expected host:port, got "${item}"` });
      return z.NEVER;
    }
    out.push({ host: m[1]!, port: Number(m[2]) });
  }
  return out;
});

/** `*`, or origins (`https://viewer.example.org`) separated by commas: who may call DICOMweb from a browser page. */
const originList = z.string().transform((text, ctx) => {
  const out: string[] = [];
  for (const item of text.split(',').map((s) => s.trim().replace(/\/$/, '')).filter(Boolean)) {
    if (item !== '*' && !/^https?:\/\/[^/\s?#]+$/.test(item)) {
      ctx.addIssue({ code: 'custom', message: `expected * or an origin such as https://viewer.example.org, got "${item}"` });
      return z.NEVER;
    }
    out.push(item);
  }
  return out;
});

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Keys are the environment variable names of interfaces.md. */
export const configSchema = z.object({
  PACS_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  PACS_HOST: z.string().min(1).default('127.0.0.1'),
  PACS_HTTP_PORT: port.default(8080),
  PACS_DICOM_PORT: port.default(11112),
  PACS_AE_TITLE: z
    .string()
    .regex(/^[\x20-\x5b\x5d-\x7e]{1,16}$/, 'an AE title is 1 to 16 characters, no backslash')
    .default('PACS'),
  PACS_MLLP_PORT: port.default(2575),
  PACS_ADMIN_PASSWORD: optionalText,
  PACS_DICOM_PEERS: peerList.default([]),
  PACS_RESULTS_MLLP: hostPortList.default([]),
  PACS_FHIR_UPSTREAM: z.url().optional(),
  PACS_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  PACS_STUDY_STABLE_SECONDS: z.coerce.number().positive().max(86_400).default(60),
  PACS_CORS_ORIGINS: originList.default([]),
});

type Parsed = z.infer<typeof configSchema>;

export type Config = Readonly<{
  dataDir: string;
  databaseUrl: string | undefined;
  host: string;
  httpPort: number;
  dicomPort: number;
  aeTitle: string;
  mllpPort: number;
  adminPassword: string | undefined;
  dicomPeers: readonly { aet: string; host: string; port: number }[];
  resultsMllp: readonly { host: string; port: number }[];
  fhirUpstream: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Quiet time after the last instance before a study counts as stable. */
  studyStableMs: number;
  /** Browser origins allowed to call /dicom-web and /wado (CORS); empty: none. */
  corsOrigins: readonly string[];
}>;

export type ConfigError = { code: 'CONFIG_INVALID'; message: string };

function toConfig(p: Parsed): Config {
  return Object.freeze({
    dataDir: resolve(p.PACS_DATA_DIR),
    databaseUrl: p.DATABASE_URL,
    host: p.PACS_HOST,
    httpPort: p.PACS_HTTP_PORT,
    dicomPort: p.PACS_DICOM_PORT,
    aeTitle: p.PACS_AE_TITLE,
    mllpPort: p.PACS_MLLP_PORT,
    adminPassword: p.PACS_ADMIN_PASSWORD,
    dicomPeers: Object.freeze(p.PACS_DICOM_PEERS),
    resultsMllp: Object.freeze(p.PACS_RESULTS_MLLP),
    fhirUpstream: p.PACS_FHIR_UPSTREAM,
    logLevel: p.PACS_LOG_LEVEL,
    studyStableMs: p.PACS_STUDY_STABLE_SECONDS * 1000,
    corsOrigins: Object.freeze(p.PACS_CORS_ORIGINS),
  });
}

const KNOWN = new Set(Object.keys(configSchema.shape));

/**
 * Builds the configuration from environment variables and an optional config file's object.
 * Empty environment values count as unset, so `PACS_DICOM_PEERS=` does not override the file.
 */
export function parseConfig(
  env: Record<string, string | undefined>,
  file: Record<string, unknown> = {},
): { ok: true; value: Config } | { ok: false; error: ConfigError } {
  const unknownFileKeys = Object.keys(file).filter((k) => !KNOWN.has(k));
  if (unknownFileKeys.length > 0) {
    return { ok: false, error: { code: 'CONFIG_INVALID', message: `unknown setting(s) in config file: ${unknownFileKeys.join(', ')}` } };
  }
  const merged: Record<string, unknown> = {};
  for (const key of KNOWN) {
    const fromEnv = env[key];
    const fromFile = file[key];
    if (fromEnv !== undefined && fromEnv !== '') merged[key] = fromEnv;
    else if (fromFile !== undefined && fromFile !== null) merged[key] = typeof fromFile === 'object' ? fromFile : String(fromFile);
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
    return { ok: false, error: { code: 'CONFIG_INVALID', message } };
  }
  return { ok: true, value: toConfig(parsed.data) };
}

/** Reads a JSON config file whose keys are the environment variable names. */
export function readConfigFile(path: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: ConfigError } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, error: { code: 'CONFIG_INVALID', message: `cannot read config file ${path}: ${(err as Error).message}` } };
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, error: { code: 'CONFIG_INVALID', message: `config file ${path} must hold a JSON object` } };
    }
    return { ok: true, value: value as Record<string, unknown> };
  } catch (err) {
    return { ok: false, error: { code: 'CONFIG_INVALID', message: `config file ${path} is not valid JSON: ${(err as Error).message}` } };
  }
}
