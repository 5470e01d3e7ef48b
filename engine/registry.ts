// TypeScript filters, transformers and destination handlers, registered by name during the
// appliance's start-up and referred to by name from channel definitions.
import type { Hl7Message } from '@medplum/core';
import type { Logger } from './logger.ts';
import type { Result } from './result.ts';
import type { SqlClient } from './sql-client.ts';

export type MessageMeta = {
  messageType?: string | undefined;
  controlId?: string | undefined;
  patientId?: string | undefined;
  accession?: string | undefined;
};

/** What filters and transformers see. */
export type EngineMessage = {
  channelId: string;
  dataType: 'hl7v2' | 'json' | 'text';
  raw: string;
  /** The current content: raw at first, then each transformer's output. */
  content: string;
  /** The parsed content, for hl7v2 channels. */
  hl7?: Hl7Message | undefined;
  meta: MessageMeta;
  source: Record<string, unknown>;
};

/** An expected processing failure; `hl7` details become the ERR segment of a negative ACK. */
export type ProcessingError = {
  code: string;
  message: string;
  /** A failure that retrying cannot fix (an AE from a receiver, a rejected order). */
  permanent?: boolean;
  hl7?: { hl7ErrorCode: string; location?: { segment: string; sequence: number; field: number; component?: number } };
};

export type FilterFn = (msg: EngineMessage) => boolean;
export type TransformerFn = (msg: EngineMessage) => Result<{ content: string; hl7?: Hl7Message; meta?: MessageMeta }, ProcessingError>;

/** What a destination receives. */
export type Delivery = {
  messageId: number;
  channelId: string;
  destinationId: string;
  content: string;
  hl7?: Hl7Message | undefined;
  meta: MessageMeta;
  attempt: number;
};

export type HandlerContext = { db: SqlClient; log: Logger };
export type HandlerFn = (delivery: Delivery, ctx: HandlerContext) => Promise<Result<{ response?: string }, ProcessingError>>;

export class EngineRegistry {
  private readonly filters = new Map<string, FilterFn>();
  private readonly transformers = new Map<string, TransformerFn>();
  private readonly handlers = new Map<string, HandlerFn>();

  private static put<T>(map: Map<string, T>, kind: string, name: string, fn: T): void {
    if (map.has(name)) throw new Error(`${kind} "${name}" is registered twice`);
    map.set(name, fn);
  }

  addFilter(name: string, fn: FilterFn): void {
    EngineRegistry.put(this.filters, 'filter', name, fn);
  }
  addTransformer(name: string, fn: TransformerFn): void {
    EngineRegistry.put(this.transformers, 'transformer', name, fn);
  }
  addHandler(name: string, fn: HandlerFn): void {
    EngineRegistry.put(this.handlers, 'handler', name, fn);
  }
  filter(name: string): FilterFn | undefined {
    return this.filters.get(name);
  }
  transformer(name: string): TransformerFn | undefined {
    return this.transformers.get(name);
  }
  handler(name: string): HandlerFn | undefined {
    return this.handlers.get(name);
  }
  names(): { filters: string[]; transformers: string[]; handlers: string[] } {
    return { filters: [...this.filters.keys()], transformers: [...this.transformers.keys()], handlers: [...this.handlers.keys()] };
  }
}
