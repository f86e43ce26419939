import { randomAlphanumeric } from './random-string';

const TOKEN = /^[A-Za-z0-9]{3,32}$/;

/** The MP admin form accepts 3–32 letters or digits (protocol §1.1). */
export function isValidToken(token: string): boolean {
  return typeof token === 'string' && TOKEN.test(token);
}

export function generateToken(length = 32): string {
  if (!Number.isInteger(length) || length < 3 || length > 32) {
    throw new RangeError('token length must be an integer in 3..32');
  }
  return randomAlphanumeric(length);
}

/** 43 random alphanumerics: always a valid EncodingAESKey (any such string decodes to 32 bytes). */
export function generateEncodingAesKey(): string {
  return randomAlphanumeric(43);
}
