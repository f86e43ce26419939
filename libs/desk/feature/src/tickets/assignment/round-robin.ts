/** An agent associated with the ticket's channel in its department. */
export interface RoundRobinCandidate {
  id: string;
  active: boolean;
}

/**
 * The next agent after the cursor (the last one given a ticket), by id, wrapping around; inactive
 * agents are skipped, and a cursor naming an agent no longer among the candidates still marks a
 * position. Null when no candidate is active.
 */
export function nextRoundRobinAgent(
  candidates: readonly RoundRobinCandidate[],
  cursor: string | null,
): string | null {
  const eligible = candidates
    .filter((candidate) => candidate.active)
    .map((candidate) => candidate.id)
    .sort();
  if (eligible.length === 0) {
    return null;
  }
  const after = cursor === null ? undefined : eligible.find((id) => id > cursor);
  return after ?? eligible[0] ?? null;
}
