// A destination's way of sending one delivery. Failures are values: `permanent` ones are parked
// at once (the receiver understood and refused), the others are retried with backoff.
import type { Result } from '../result.ts';
import type { Delivery } from '../registry.ts';

export type SendFailure = { message: string; response?: string | undefined; permanent: boolean };

export interface DestinationConnector {
  send(delivery: Delivery): Promise<Result<{ response?: string | undefined }, SendFailure>>;
  close(): Promise<void>;
}
