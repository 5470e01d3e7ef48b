// The counters a channel's row shows. The engine counts at two levels: the channel's own `counts`
// hold what happened at the source (received, dropped by the channel filter, failed before any
// destination), and each destination counts its deliveries sent and errored. A channel's sent and
// errored are therefore its destinations' added up (plus its own errors).
import type { Channel, Counts } from '../api-records';

export function channelTotals(channel: Pick<Channel, 'counts' | 'destinations'>): Counts {
  const sum = (field: 'sent' | 'errored') => channel.destinations.reduce((n, d) => n + d.counts[field], channel.counts[field]);
  return { received: channel.counts.received, filtered: channel.counts.filtered, sent: sum('sent'), errored: sum('errored') };
}
