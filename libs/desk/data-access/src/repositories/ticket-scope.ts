/**
 * Which tickets a reader may see: all (admins), or those of the channels associated with an agent
 * in the departments they belong to (product rule 4), read from the database at query time so a
 * changed association or membership applies at once.
 */
export type TicketScope = { kind: 'all' } | { kind: 'agent'; agentId: string };
