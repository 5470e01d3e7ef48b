// HL7 table 0357 (message error condition codes) and table 0516 (severity), the error detail an
// ACK reports, and where in a message it points. standards-mappings.md 7.3; codes from HL7 UTG
// cs-v2-0357 (S8), texts as its `display` values.

export const HL7_ERROR_CODES = {
  '0': 'Message accepted',
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '104': 'Value too long',
  '198': 'Non-Conformant Cardinality',
  '199': 'Other HL7 Error',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application error',
} as const;
export type Hl7ErrorCode = keyof typeof HL7_ERROR_CODES;

/** Table 0516: E error, W warning, I information, F fatal. */
export const HL7_SEVERITIES = { E: 'Error', W: 'Warning', I: 'Information', F: 'Fatal Error' } as const;
export type Hl7Severity = keyof typeof HL7_SEVERITIES;

/**
 * Where an error is, counting from 1 as the specs do (ERR-2 ERL in v2.5+, ERR-1 before).
 * `field: 0` means the segment as a whole (e.g. a missing segment).
 */
export type Hl7ErrorLocation = {
  segment: string;
  sequence: number;
  field: number;
  repetition?: number;
  component?: number;
  subcomponent?: number;
};

/** One error or warning for an ACK's ERR segment(s). */
export type Hl7ErrorDetail = {
  /** Table 0357 code, e.g. '101'. Codes outside the table are sent with an empty text. */
  hl7ErrorCode: string;
  location?: Hl7ErrorLocation;
  /** Text for a person (ERR-8 in v2.5+; MSA-3 before v2.5 when no text is given). */
  message: string;
  /** Table 0516; default E. */
  severity?: Hl7Severity;
};

/** The table 0357 text for a code, or '' for a code outside the table. */
export function hl7ErrorText(code: string): string {
  return Object.hasOwn(HL7_ERROR_CODES, code) ? HL7_ERROR_CODES[code as Hl7ErrorCode] : '';
}

/**
 * The engine's HL7_ error codes: what each means and how an ACK answers a message that fails
 * with it (AR: rejected at message level; AE: understood but wrong, resending will not help).
 * index.test.ts checks that this table and the codes used in the source agree.
 */
export const HL7_FAILURES = {
  HL7_NOT_HL7: { ack: 'AR', meaning: 'the text does not start with an MSH segment' },
  HL7_BAD_MSH: { ack: 'AR', meaning: 'MSH-1 (field separator) is missing or not a punctuation character' },
  HL7_BAD_ENCODING_CHARACTERS: { ack: 'AR', meaning: 'MSH-2 is not 4 (5 from v2.7) distinct punctuation characters different from MSH-1' },
  HL7_BAD_SEGMENT: { ack: 'AE', meaning: 'a segment ID is not 3 upper-case letters or digits, or a second MSH follows' },
  HL7_REQUIRED_FIELD_MISSING: { ack: 'AE', meaning: 'MSH-9, MSH-10 or MSH-12 is empty' },
  HL7_BAD_PATH: { ack: 'AE', meaning: 'a field path is not written like PID-3, PID-3.1, PID-3[2].1 or OBX[3]-5' },
  HL7_BAD_CONDITION: { ack: 'AE', meaning: 'a channel condition is malformed (compact form, operator, values or regex)' },
  HL7_BAD_MAPPING: { ack: 'AE', meaning: 'a channel mapping is malformed (paths, or value combined with from/table)' },
  HL7_MAPPING_NO_MATCH: { ack: 'AE', meaning: 'a mapping table has no entry for the value and no default' },
} as const;
export type Hl7FailureCode = keyof typeof HL7_FAILURES;
