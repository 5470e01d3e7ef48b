// Sends HL7 v2 over MLLP and reads the ACK: AA/CA is success, AE/CE is a permanent refusal
// (parked, not blindly resent), AR/CR or no answer is retried (mappings section 7.2).
import { ackCode, decodeHl7, encodeHl7, parseHl7 } from '../hl7/index.ts';
import type { Logger } from '../logger.ts';
import { MllpSender } from '../mllp/index.ts';
import type { DestinationConnector } from './destination-connector.ts';

export function mllpDestination(opts: {
  host: string;
  port: number;
  tls?: { ca?: string; rejectUnauthorized?: boolean; servername?: string } | undefined;
  responseTimeoutMs?: number | undefined;
  log: Logger;
}): DestinationConnector {
  const sender = new MllpSender({
    host: opts.host,
    port: opts.port,
    ...(opts.tls ? { tls: opts.tls } : {}),
    ...(opts.responseTimeoutMs ? { responseTimeoutMs: opts.responseTimeoutMs } : {}),
    log: opts.log,
  });
  return {
    async send(delivery) {
      const charset = delivery.hl7?.getSegment('MSH')?.getField(18)?.toString() ?? '';
      const sent = await sender.send(encodeHl7(delivery.content, charset));
      if (!sent.ok) return { ok: false, error: { message: sent.error.message, permanent: false } };
      const response = decodeHl7(sent.value).text;
      const parsed = parseHl7(response);
      if (!parsed.ok) return { ok: false, error: { message: `the receiver answered something that is not an HL7 ACK (${parsed.error.message})`, response, permanent: false } };
      const code = ackCode(parsed.value)?.toUpperCase();
      if (code === 'AA' || code === 'CA') return { ok: true, value: { response } };
      const text = parsed.value.getSegment('MSA')?.getField(3)?.toString() || parsed.value.getSegment('ERR')?.toString() || '';
      return {
        ok: false,
        error: { message: `the receiver answered ${code ?? 'without MSA-1'}${text ? `: ${text}` : ''}`, response, permanent: code === 'AE' || code === 'CE' },
      };
    },
    close: () => sender.close(),
  };
}
