/**
 * redisFork as RDB and AOF persistence see it: at most one child at a
 * time (isMutuallyExclusiveChildType), forked with the host's fork latency,
 * its image encoded at the fork, reaped by serverCron.
 */
import type { ChildType, ForkedChild } from './ForkedChild';
import type { Errno } from './diskErrors';

export interface ForkRequest {
  readonly type: ChildType;
  /** The child's file image, encoded from the keyspace at fork time; `usedMemBytes` is used_memory then. */
  image(usedMemBytes: number): Uint8Array;
  tempPath(pid: number): string;
  finalPath(pid: number): string;
  readonly fsyncDir: string | null;
}

export type ForkResult = { readonly ok: true; readonly pid: number } | { readonly ok: false; readonly errno: Errno };

export interface Forker {
  /** server.child_type != CHILD_TYPE_NONE. */
  readonly activeChild: ForkedChild | null;
  fork(request: ForkRequest): ForkResult;
}
