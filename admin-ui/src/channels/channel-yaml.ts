// Channel definitions as YAML text, the form analysts edit them in (as `npx pacs channels export`
// writes them). The UI checks only that the text is a YAML mapping; the server validates the rest.
import { parse, stringify, YAMLError } from 'yaml';

export function definitionToYaml(definition: unknown): string {
  return stringify(definition, { lineWidth: 0 });
}

/** The definition in the text, or why the text is not one (YAML syntax, or not a mapping). */
export function parseDefinition(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    return { ok: false, error: error instanceof YAMLError ? error.message : String(error) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'A channel definition is a YAML mapping (id: …, name: …, source: …, destinations: …)' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** A react-admin validator for the YAML text input. */
export function validateDefinitionYaml(text: unknown): string | undefined {
  if (typeof text !== 'string' || text.trim() === '') return 'Write the channel definition';
  const parsed = parseDefinition(text);
  return parsed.ok ? undefined : parsed.error;
}

/** What "Create" starts from: every part of a definition, with comments saying what it takes. */
export const CHANNEL_TEMPLATE = `# A channel: one source, an optional filter and transformer, and one or more destinations,
# each with its own durable queue. Ids are lower-case letters, digits and -.
id: new-channel
name: New channel
description: What this channel carries, from where to where
dataType: hl7v2 # hl7v2, json or text
source:
  type: mllp # mllp (listens on port), http (POST /api/channels/<id>/messages) or internal
  port: 0 # 0 picks a free port; \${PACS_MLLP_PORT} and the other variables work too
filter:
  # Every rule must hold; a message that fails one is stored as filtered.
  rules:
    - MSH-9.1 in (ORM, OMI)
transformer:
  # Applied in order: set a field to a value, or copy it from another field (from: PID-3).
  mappings:
    - set: MSH-5
      value: PACS
destinations:
  - id: ris
    name: RIS
    connector:
      type: mllp # mllp, http, fhir or handler
      host: 127.0.0.1
      port: 2576
    retry:
      maxAttempts: 10 # then the delivery is parked as error, to resend from the message page
      initialDelayMs: 1000
    order: none # none, strict (one at a time) or patient (in order per patient)
`;
