import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

/** OWASP's scrypt minimum; stored with each hash, so it can be raised later without a migration. */
const CURRENT: ScryptParameters = { N: 16_384, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** Refuses stored parameters that would make one login burn excessive memory or CPU. */
const LIMITS = { N: 1 << 20, r: 32, p: 16 };

function derive(
  password: string,
  salt: Buffer,
  keyLength: number,
  params: ScryptParameters,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) would refuse stronger stored params.
    const maxmem = 256 * params.N * params.r;
    scrypt(password.normalize('NFC'), salt, keyLength, { ...params, maxmem }, (error, key) =>
      error === null ? resolve(key) : reject(error),
    );
  });
}

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, CURRENT);
  return [
    'scrypt',
    CURRENT.N,
    CURRENT.r,
    CURRENT.p,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$');
}

interface ParsedHash {
  params: ScryptParameters;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    return null;
  }
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^\d{1,8}$/.test(part) ? Number(part) : NaN));
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  const valid =
    N !== undefined &&
    r !== undefined &&
    p !== undefined &&
    N > 1 &&
    N <= LIMITS.N &&
    (N & (N - 1)) === 0 &&
    r >= 1 &&
    r <= LIMITS.r &&
    p >= 1 &&
    p <= LIMITS.p &&
    salt.length >= 8 &&
    key.length >= 16;
  return valid ? { params: { N, r, p }, salt, key } : null;
}

/** Constant-time comparison; a malformed stored hash simply never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (parsed === null) {
    return false;
  }
  const candidate = await derive(password, parsed.salt, parsed.key.length, parsed.params);
  return timingSafeEqual(candidate, parsed.key);
}

let decoy: Promise<string> | null = null;

/**
 * A real hash of nothing anyone knows: checked against when the e-mail is unknown, so an unknown
 * e-mail takes as long as a wrong password and the answer time reveals no accounts.
 */
export function decoyPasswordHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(32).toString('base64'));
  return decoy;
}
