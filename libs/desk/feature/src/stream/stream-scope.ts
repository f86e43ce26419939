import type { LiveEvent, ScopePair } from '@wechat-desk/desk/data-access';

/**
 * Which live events a stream client may receive: all (admins), or those of the (department,
 * channel) pairs associated with the agent, the same rule ticket lists apply.
 */
export type StreamScope = { kind: 'all' } | { kind: 'pairs'; pairs: ReadonlySet<string> };

const pairKey = (departmentId: string, channelId: string): string => `${departmentId}/${channelId}`;

export function pairsScope(pairs: readonly ScopePair[]): StreamScope {
  return {
    kind: 'pairs',
    pairs: new Set(pairs.map((pair) => pairKey(pair.departmentId, pair.channelId))),
  };
}

export function inScope(
  scope: StreamScope,
  event: Pick<LiveEvent, 'departmentId' | 'channelId'>,
): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'pairs':
      return scope.pairs.has(pairKey(event.departmentId, event.channelId));
  }
}
