// The channels the appliance ships with, defined as YAML files like any exported channel, and
// the TypeScript functions they refer to by name.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { EngineRegistry } from '../engine/index.ts';
import { createOrdersWorklistHandler } from './orders/orders-worklist-handler.ts';
import { loadWorklistTables } from './orders/worklist-tables.ts';

const FILES = ['orders/orders.channel.yaml', 'dicom-events/dicom-events.channel.yaml'];

export function shippedChannels(): unknown[] {
  return FILES.map((f) => parse(readFileSync(new URL(`./${f}`, import.meta.url), 'utf8')) as unknown);
}

/**
 * Registers the shipped channels' functions. Called during start-up: this is when the orders
 * channel's tables (channels/orders/worklist-tables.yaml) are read; a wrong table stops start-up.
 */
export function registerChannelFunctions(registry: EngineRegistry): void {
  registry.addHandler('orders.worklist', createOrdersWorklistHandler({ tables: loadWorklistTables() }));
}
