// HL7 v2: bytes <-> text (MSH-18), parsing onto @medplum/core's Hl7Message, field paths,
// escaping, message metadata, acknowledgements, and the conditions and mappings of channel YAML.
export { decodeHl7, encodeHl7, hl7CharsetToDicom } from './hl7-decode.ts';
export type { DecodedHl7 } from './hl7-decode.ts';
export { parseHl7, readDelimiters } from './hl7-parse.ts';
export type { Hl7ParseError, Hl7ParseErrorCode } from './hl7-parse.ts';
export {
  cloneMessage,
  formatFieldPath,
  getRawValue,
  getRawValues,
  getValue,
  getValues,
  messageDelimiters,
  parseFieldPath,
  setRawValue,
  setValue,
} from './hl7-path.ts';
export type { FieldPath, Hl7PathError } from './hl7-path.ts';
export { DEFAULT_DELIMITERS, escapeHl7, unescapeHl7 } from './hl7-escape.ts';
export type { Hl7Delimiters, UnescapeOptions } from './hl7-escape.ts';
export { messageMetadata } from './hl7-metadata.ts';
export type { Hl7Metadata } from './hl7-metadata.ts';
export { ACK_CODES, DEFAULT_ACK_VERSION, ackCode, buildAck, buildAckForUnparseable, isPositiveAck } from './hl7-ack.ts';
export type { AckCode, AckContext, AckOptions } from './hl7-ack.ts';
export { HL7_ERROR_CODES, HL7_FAILURES, HL7_SEVERITIES, hl7ErrorText } from './hl7-error-codes.ts';
export type { Hl7ErrorCode, Hl7ErrorDetail, Hl7ErrorLocation, Hl7FailureCode, Hl7Severity } from './hl7-error-codes.ts';
export { CONDITION_OPS, applyMappings, conditionSchema, evaluateCondition, formatCondition, mappingSchema, parseCondition } from './rules.ts';
export type { AllCondition, AnyCondition, Condition, ConditionInput, ConditionOp, FieldCondition, Mapping, MappingInput, RuleError } from './rules.ts';
