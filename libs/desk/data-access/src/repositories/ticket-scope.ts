/** Which tickets a reader may see: all (admins) or those of some departments (agents). */
export type TicketScope =
  { kind: 'all' } | { kind: 'departments'; departmentIds: readonly string[] };
