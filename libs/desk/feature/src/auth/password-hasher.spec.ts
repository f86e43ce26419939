import { decoyPasswordHash, hashPassword, verifyPassword } from './password-hasher';

describe('password hashing', () => {
  it('stores scrypt with its parameters, a 16-byte salt and the hash', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const [scheme, N, r, p, salt, hash] = stored.split('$');
    expect([scheme, N, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash, 'base64').length).toBeGreaterThanOrEqual(32);
    expect(stored).not.toContain('correct horse');
  });

  it('accepts the password and refuses any other', async () => {
    const stored = await hashPassword('s3cret-Passw0rd');
    await expect(verifyPassword('s3cret-Passw0rd', stored)).resolves.toBe(true);
    await expect(verifyPassword('s3cret-passw0rd', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('never matches a malformed or abusive stored hash', async () => {
    const valid = await hashPassword('pw');
    const [, , , , salt, hash] = valid.split('$');
    await expect(verifyPassword('pw', 'plaintext-pw')).resolves.toBe(false);
    await expect(verifyPassword('pw', `bcrypt$16384$8$1$${salt}$${hash}`)).resolves.toBe(false);
    await expect(verifyPassword('pw', `scrypt$1000$8$1$${salt}$${hash}`)).resolves.toBe(false);
    await expect(verifyPassword('pw', `scrypt$${2 ** 24}$8$1$${salt}$${hash}`)).resolves.toBe(
      false,
    );
  });

  it('has a decoy hash that nothing matches, computed once', async () => {
    const decoy = await decoyPasswordHash();
    expect(decoy).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await decoyPasswordHash()).toBe(decoy);
    await expect(verifyPassword('', decoy)).resolves.toBe(false);
  });
});
