// A channel as an analyst writes it (YAML or JSON, one file per channel): a source connector, an
// optional filter and transformer, and destinations, each with its own queue and retry policy.
// Validated with zod once when deployed or imported; `${NAME}` in connector settings is replaced
// from the variables the appliance provides (e.g. ${PACS_MLLP_PORT}).
import { z } from 'zod';
import { conditionSchema, mappingSchema } from './hl7/index.ts';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and -, at most 63');
/** A number, or a `${VARIABLE}` resolved at deploy time. */
const portLike = z.union([z.number().int().min(0).max(65535), z.string().regex(/^\$\{[A-Z_][A-Z0-9_]*\}$/)]);

export const retrySchema = z.object({
  /** Attempts before the message is parked as error. */
  maxAttempts: z.number().int().min(1).max(10_000).default(10),
  initialDelayMs: z.number().int().min(0).max(86_400_000).default(1000),
  maxDelayMs: z.number().int().min(0).max(86_400_000).default(300_000),
  backoffFactor: z.number().min(1).max(10).default(2),
  /** Parks a message still undelivered this long after it arrived, whatever the attempts. */
  maxAgeHours: z.number().positive().optional(),
});

const tlsServer = z.object({ key: z.string(), cert: z.string(), ca: z.string().optional(), requestCert: z.boolean().optional() });
const tlsClient = z.object({ ca: z.string().optional(), rejectUnauthorized: z.boolean().optional(), servername: z.string().optional() });

export const sourceSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('mllp'),
    host: z.string().optional(),
    port: portLike,
    tls: tlsServer.optional(),
    maxFrameBytes: z.number().int().positive().optional(),
  }),
  /** Messages POSTed to /api/channels/{id}/messages. */
  z.object({ type: z.literal('http') }),
  /** Messages dispatched in-process by other parts of the appliance (DICOM events...). */
  z.object({ type: z.literal('internal') }),
]);

export const connectorSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('mllp'),
    host: z.string().min(1),
    port: portLike,
    tls: tlsClient.optional(),
    responseTimeoutMs: z.number().int().positive().optional(),
  }),
  z.object({
    type: z.literal('http'),
    url: z.string().min(1),
    method: z.enum(['POST', 'PUT']).default('POST'),
    headers: z.record(z.string(), z.string()).default({}),
    contentType: z.string().optional(),
    timeoutMs: z.number().int().positive().optional(),
  }),
  z.object({
    type: z.literal('fhir'),
    baseUrl: z.string().min(1),
    /** create/update a single resource, or post a transaction/batch Bundle. */
    operation: z.enum(['create', 'update', 'transaction']).default('transaction'),
    headers: z.record(z.string(), z.string()).default({}),
    timeoutMs: z.number().int().positive().optional(),
  }),
  /** A TypeScript function registered by name (e.g. the worklist writer). */
  z.object({ type: z.literal('handler'), name: z.string().min(1) }),
]);

const filterSchema = z.object({
  /** All must hold (an analyst's conditions, no code). */
  rules: z.array(conditionSchema).default([]),
  /** A registered TypeScript filter, checked after the rules. */
  script: z.string().optional(),
});

const transformerSchema = z.object({
  mappings: z.array(mappingSchema).default([]),
  /** A registered TypeScript transformer, run after the mappings. */
  script: z.string().optional(),
});

export const destinationSchema = z.object({
  id,
  name: z.string().optional(),
  enabled: z.boolean().default(true),
  connector: connectorSchema,
  filter: filterSchema.optional(),
  transformer: transformerSchema.optional(),
  /**
   * queued: worked from the durable queue after the source has answered.
   * sync: run inside the source's transaction before it answers; its failure becomes the ACK's error.
   */
  mode: z.enum(['queued', 'sync']).default('queued'),
  retry: retrySchema.default(retrySchema.parse({})),
  /** none: failures never hold back later messages; strict: one at a time in order; patient: in order per patient. */
  order: z.enum(['none', 'strict', 'patient']).default('none'),
});

export const channelSchema = z.object({
  id,
  name: z.string().min(1),
  description: z.string().optional(),
  dataType: z.enum(['hl7v2', 'json', 'text']).default('hl7v2'),
  source: sourceSchema,
  filter: filterSchema.optional(),
  transformer: transformerSchema.optional(),
  /** The HL7 acknowledgement code for a message the channel filter drops. */
  filteredAck: z.enum(['AA', 'AR']).default('AA'),
  // None is allowed: the messages are kept (status received) for an analyst to add destinations later.
  destinations: z.array(destinationSchema).default([]),
  prune: z.object({ maxAgeDays: z.number().positive().default(30), keepErrors: z.boolean().default(true) }).default({ maxAgeDays: 30, keepErrors: true }),
  alerts: z
    .object({
      /** Alert when this many deliveries failed within windowMinutes. */
      errorCount: z.object({ threshold: z.number().int().positive(), windowMinutes: z.number().int().positive().default(15) }).optional(),
      /** Alert when a destination's queue holds more than this. */
      queueDepth: z.object({ threshold: z.number().int().positive() }).optional(),
    })
    .default({}),
});

export type ChannelDefinition = z.infer<typeof channelSchema>;
export type DestinationDefinition = z.infer<typeof destinationSchema>;
export type RetryPolicy = z.infer<typeof retrySchema>;
export type SourceDefinition = z.infer<typeof sourceSchema>;
export type ConnectorDefinition = z.infer<typeof connectorSchema>;

export type DefinitionError = { code: 'CHANNEL_INVALID'; message: string };

export function parseChannelDefinition(input: unknown): { ok: true; value: ChannelDefinition } | { ok: false; error: DefinitionError } {
  const parsed = channelSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'CHANNEL_INVALID', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'channel'}: ${i.message}`).join('; ') },
    };
  }
  const ids = parsed.data.destinations.map((d) => d.id);
  const dup = ids.find((d, i) => ids.indexOf(d) !== i);
  if (dup) return { ok: false, error: { code: 'CHANNEL_INVALID', message: `destinations: id "${dup}" is used twice` } };
  return { ok: true, value: parsed.data };
}

/** Replaces `${NAME}` in connector settings with the appliance's variables. */
export function resolveVariables<T>(value: T, vars: Readonly<Record<string, string>>): { ok: true; value: T } | { ok: false; error: DefinitionError } {
  const missing = new Set<string>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const whole = /^\$\{([A-Z_][A-Z0-9_]*)\}$/.exec(v);
      const sub = (name: string) => {
        if (!(name in vars)) missing.add(name);
        return vars[name] ?? '';
      };
      if (whole) {
        const r = sub(whole[1]!);
        return /^\d+$/.test(r) ? Number(r) : r;
      }
      return v.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (_m, name: string) => sub(name));
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const out = walk(value) as T;
  if (missing.size) return { ok: false, error: { code: 'CHANNEL_INVALID', message: `unknown variable(s): ${[...missing].join(', ')}` } };
  return { ok: true, value: out };
}
