import { ValidateBy, type ValidationOptions } from 'class-validator';

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((entry) => typeof entry === 'string')
  );
}

/** An object whose every value is a string (e.g. the top-level fields of a WeChat push). */
export function IsStringRecord(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringRecord',
      validator: {
        validate: (value): boolean => isStringRecord(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an object of strings`,
      },
    },
    options,
  );
}
