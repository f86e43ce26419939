/** Field names that may hold a secret: never written to the audit log, whatever their value. */
const SECRET_FIELD = /password|hash|token|secret|aes|key|sealed|credential/i;

export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

export type AuditFields = Record<string, unknown>;

export interface AuditChanges {
  before?: AuditFields;
  after?: AuditFields;
}

function publicFields(fields: AuditFields): AuditFields {
  return Object.fromEntries(
    Object.entries(fields).filter(([name, value]) => !isSecretField(name) && value !== undefined),
  );
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What an audit entry keeps of a change: the non-secret fields that differ, before and after.
 * A creation (no before) keeps every non-secret field after; a removal, every one before.
 */
export function auditChanges(before: AuditFields | null, after: AuditFields | null): AuditChanges {
  if (before === null && after === null) {
    return {};
  }
  if (before === null) {
    return { after: publicFields(after ?? {}) };
  }
  if (after === null) {
    return { before: publicFields(before) };
  }
  const shownBefore = publicFields(before);
  const shownAfter = publicFields(after);
  const names = [...new Set([...Object.keys(shownBefore), ...Object.keys(shownAfter)])];
  const changed = names.filter((name) => !same(shownBefore[name], shownAfter[name]));
  return {
    before: Object.fromEntries(changed.map((name) => [name, shownBefore[name] ?? null])),
    after: Object.fromEntries(changed.map((name) => [name, shownAfter[name] ?? null])),
  };
}
