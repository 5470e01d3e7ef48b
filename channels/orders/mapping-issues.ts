// What the order and ADT mappings report: an error refuses the message (HL7 AE with an ERR that
// names the field), a warning is kept with the result (a value truncated to its DICOM VR, a
// default used). Each code has one HL7 error code (table 0357, standards-mappings.md 7.3).

export const ORDER_ISSUES = {
  CHANNEL_ORDER_FIELD_MISSING: { hl7ErrorCode: '101', meaning: 'a field the worklist needs is empty: PID-3, PID-5, ORC-1, ORC-2/ORC-3, OBR-4, the accession number, the modality' },
  CHANNEL_ORDER_BAD_VALUE: { hl7ErrorCode: '102', meaning: 'a value has the wrong form: a date, a Study Instance UID, a backslash in an identifier' },
  CHANNEL_ORDER_UNKNOWN_CODE: { hl7ErrorCode: '103', meaning: 'a coded value is not in its table: ORC-1 (table 0119), OBR-24/IPC-5 not in the modality table' },
  CHANNEL_ORDER_TOO_LONG: { hl7ErrorCode: '104', meaning: 'an identifier is longer than its DICOM VR allows (accession, RP and SPS IDs 16; Patient ID, order numbers 64; UID 64; AE title 16)' },
  CHANNEL_ORDER_UNSUPPORTED_TYPE: { hl7ErrorCode: '200', meaning: 'the message type is not one the orders channel maps' },
  CHANNEL_ORDER_UNSUPPORTED_EVENT: { hl7ErrorCode: '201', meaning: 'the trigger event is not one the orders channel maps' },
  // warnings
  CHANNEL_ORDER_TRUNCATED: { hl7ErrorCode: '104', meaning: 'descriptive text was cut to its DICOM VR length (LO 64, SH 16, PN 64, LT 10240)' },
  CHANNEL_ORDER_DEFAULTED: { hl7ErrorCode: '0', meaning: 'a value was not sent and a documented default was used' },
  CHANNEL_ORDER_IGNORED: { hl7ErrorCode: '0', meaning: 'a value was not usable and was left out (a partial birth date, an over-long other patient ID)' },
  CHANNEL_ORDER_UNROUTED: { hl7ErrorCode: '0', meaning: 'no station rule gave the step a Scheduled Station AE Title: it is stored but not offered to modalities' },
} as const;

export type OrderIssueCode = keyof typeof ORDER_ISSUES;

/** Where in the message, counting from 1 (ERR-2 in v2.5+, ERR-1 before). */
export type Hl7Location = { segment: string; sequence: number; field: number; component?: number };

export type MappingIssue = {
  code: OrderIssueCode;
  severity: 'error' | 'warning';
  hl7ErrorCode: string;
  location?: Hl7Location;
  message: string;
};

/** `PID-3`, `OBR[2]-18`, `ORC-7.4`: a location as the specs write it. */
export function formatLocation(at: Hl7Location): string {
  const seq = at.sequence > 1 ? `[${at.sequence}]` : '';
  return `${at.segment}${seq}-${at.field}${at.component !== undefined ? `.${at.component}` : ''}`;
}

/** Collects the issues of one mapping run. */
export class IssueList {
  readonly issues: MappingIssue[] = [];

  error(code: OrderIssueCode, at: Hl7Location | undefined, message: string): void {
    this.issues.push({ code, severity: 'error', hl7ErrorCode: ORDER_ISSUES[code].hl7ErrorCode, ...(at ? { location: at } : {}), message });
  }

  warn(code: OrderIssueCode, at: Hl7Location | undefined, message: string): void {
    this.issues.push({ code, severity: 'warning', hl7ErrorCode: ORDER_ISSUES[code].hl7ErrorCode, ...(at ? { location: at } : {}), message });
  }

  get errors(): MappingIssue[] {
    return this.issues.filter((i) => i.severity === 'error');
  }

  get warnings(): MappingIssue[] {
    return this.issues.filter((i) => i.severity === 'warning');
  }
}
