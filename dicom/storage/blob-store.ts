// Where stored objects live. The archive talks to a tier only through this interface, so the hot
// filesystem tier and later S3-compatible or cold tiers plug in alike. Writes are staged: bytes go
// to a temporary object first and become visible under their key only on commit, so a reader
// never sees half an object and a failed transfer leaves nothing behind.
import type { Readable } from 'node:stream';
import type { ByteSource } from '../parse/byte-source.ts';

export interface StagedBlob {
  /** Appends bytes, in order. */
  write(chunks: readonly Buffer[]): Promise<void>;
  /** Bytes written so far. */
  readonly size: number;
  /** Makes the bytes written so far durable (fdatasync for files). */
  sync(): Promise<void>;
  /** Reads back what was written, from `offset` on (for objects too large to keep in memory). */
  bytes(offset: number): ByteSource;
  /** Drops the staged bytes; a no-op once committed. */
  discard(): Promise<void>;
}

export type CommitResult = 'stored' | 'exists';

export interface BlobStore {
  readonly name: string;
  stage(): Promise<StagedBlob>;
  /**
   * Moves a staged blob under `key`, durably. When something is stored there already it is kept
   * and 'exists' is answered (the staged blob stays staged), unless `replace` is set.
   */
  commit(staged: StagedBlob, key: string, opts?: { replace?: boolean }): Promise<CommitResult>;
  /**
   * commit() in two steps: resolves once the object is in place (visible), with `durable`
   * settling when the move itself is durable. Lets a caller overlap that last flush with other work.
   */
  place(staged: StagedBlob, key: string, opts?: { replace?: boolean }): Promise<{ result: CommitResult; durable: Promise<void> }>;
  put(key: string, data: Buffer | readonly Buffer[]): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Readable | undefined>;
  /** Removes an object; false when there was none. */
  delete(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
}
