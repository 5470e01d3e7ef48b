// The channels the appliance ships with, defined as YAML files like any exported channel, and
// the TypeScript functions they refer to by name.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { EngineRegistry } from '../engine/index.ts';
import { createOrdersWorklistHandler } from './orders/orders-worklist-handler.ts';
import { loadWorklistTables } from './orders/worklist-tables.ts';
import { createFhirOrdersHandler, fhirOrdersMetaTransformer } from './fhir-orders/fhir-orders-handler.ts';
import { registerProcedureStepFunctions, seedProcedureStepsChannel } from './procedure-steps/procedure-steps-channel.ts';
import type { MllpAddress } from './procedure-steps/procedure-steps-channel.ts';
import { registerResultsFunctions, seedResultsChannel } from './results/results-channel.ts';

const FILES = ['orders/orders.channel.yaml', 'fhir-orders/fhir-orders.channel.yaml', 'dicom-events/dicom-events.channel.yaml', 'procedure-steps/procedure-steps.channel.yaml', 'results/results.channel.yaml'];

export type ShippedChannelOptions = {
  /** PACS_RESULTS_MLLP: the procedure-steps channel's ordering-system destinations, when it is first created. */
  orderingSystemMllp?: readonly MllpAddress[];
  /** PACS_RESULTS_MLLP: the results channel's ORU^R01 destinations, when it is first created. */
  resultsMllp?: readonly MllpAddress[];
  /** PACS_FHIR_UPSTREAM: the results channel's DiagnosticReport destination, when it is first created. */
  fhirUpstream?: string | undefined;
};

export function shippedChannels(options: ShippedChannelOptions = {}): unknown[] {
  return FILES.map((f) => parse(readFileSync(new URL(`./${f}`, import.meta.url), 'utf8')) as unknown).map((def) =>
    seedResultsChannel(seedProcedureStepsChannel(def, options.orderingSystemMllp ?? []), options.resultsMllp ?? [], options.fhirUpstream),
  );
}

/**
 * Registers the shipped channels' functions. Called during start-up: this is when the orders
 * channel's tables (channels/orders/worklist-tables.yaml) are read; a wrong table stops start-up.
 */
export function registerChannelFunctions(registry: EngineRegistry, options: { aeTitle?: string } = {}): void {
  // One reading of the tables for both order paths: HL7 and FHIR orders schedule alike.
  const tables = loadWorklistTables();
  registry.addHandler('orders.worklist', createOrdersWorklistHandler({ tables }));
  registry.addHandler('fhir-orders.worklist', createFhirOrdersHandler({ tables }));
  registry.addTransformer('fhir-orders.meta', fhirOrdersMetaTransformer);
  registerProcedureStepFunctions(registry, { sendingApplication: options.aeTitle ?? 'PACS' });
  registerResultsFunctions(registry, { sendingApplication: options.aeTitle ?? 'PACS' });
}
