import { Transform } from 'class-transformer';

/** Trims strings (pasted values often carry spaces); other values pass for the validators to refuse. */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Trims and lower-cases e-mail addresses, so login and uniqueness ignore case. */
export const NormalizeEmail = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? normalizeEmail(value) : value,
  );

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
