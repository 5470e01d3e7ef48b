// The engine's public surface. Other folders import this file only.
export { ok, fail } from './result.ts';
export type { Result, AppError } from './result.ts';
export type { Logger } from './logger.ts';
export type { SqlClient, SqlDatabase } from './sql-client.ts';
export { Engine } from './engine.ts';
export type { ChannelSummary, DestinationSummary, EngineError, EngineOptions } from './engine.ts';
export type { ChannelState } from './channel-runtime.ts';
export { EngineRegistry } from './registry.ts';
export type { Delivery, EngineMessage, FilterFn, HandlerContext, HandlerFn, MessageMeta, ProcessingError, TransformerFn } from './registry.ts';
export { channelSchema, parseChannelDefinition } from './channel-definition.ts';
export type { ChannelDefinition, DestinationDefinition } from './channel-definition.ts';
export type { InboundInput, InboundOutcome } from './inbound-pipeline.ts';
export { getMessage, messageIdsMatching, searchMessages } from './message-store.ts';
export type { DeliveryRecord, MessageDetail, MessageRecord, MessageSearch, MessageStatus } from './message-store.ts';
export { decodeHl7, encodeHl7, escapeHl7, getRawValue, getRawValues, getValue, getValues, hl7CharsetToDicom, messageMetadata, parseHl7, unescapeHl7 } from './hl7/index.ts';
export type { FieldPath, Hl7ErrorDetail, Hl7ParseError } from './hl7/index.ts';
