// react-admin's simple REST dialect (range/sort/filter query, Content-Range totals), which /api speaks,
// plus the channel engine's actions that are not CRUD. Components reach them with
// useDataProvider<AppDataProvider>(), so errors pass through the auth provider's checkError.
import simpleRestProvider from 'ra-data-simple-rest';
import type { BulkReprocessResult, Channel, ReprocessResult, ResendResult } from './api-records';
import { httpClient } from './http-client';

export type ChannelAction = 'start' | 'pause' | 'stop';

async function post<T>(path: string, body?: unknown): Promise<T> {
  const { json } = await httpClient(path, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return json as T;
}

const messagePath = (id: number, action: string) => `/api/messages/${encodeURIComponent(id)}/${action}`;

export const dataProvider = {
  ...simpleRestProvider('/api', httpClient),
  /** POST /api/channels/:id/start|pause|stop: the channel's summary afterwards. */
  setChannelState: (id: string, action: ChannelAction) => post<Channel>(`/api/channels/${encodeURIComponent(id)}/${action}`),
  /** Runs a stored message through its channel again, as a new message. */
  reprocessMessage: (id: number) => post<ReprocessResult>(messagePath(id, 'reprocess')),
  /** Queues a message's failed deliveries again, or only the named destination's. */
  resendMessage: (id: number, destinationId?: string) => post<ResendResult>(messagePath(id, 'resend'), destinationId ? { destinationId } : {}),
  /** Reprocesses every message the filter matches (the server refuses an empty filter). */
  reprocessMatching: (filter: Record<string, unknown>) => post<BulkReprocessResult>('/api/messages/reprocess', { filter }),
};

export type AppDataProvider = typeof dataProvider;
