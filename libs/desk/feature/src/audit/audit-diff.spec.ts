import { auditChanges, isSecretField } from './audit-diff';

describe('audit changes', () => {
  it('keeps only the non-secret fields that changed', () => {
    expect(
      auditChanges(
        { name: 'Ann', role: 'agent', active: true, passwordHash: 'scrypt$a' },
        { name: 'Ann B', role: 'agent', active: true, passwordHash: 'scrypt$b' },
      ),
    ).toEqual({ before: { name: 'Ann' }, after: { name: 'Ann B' } });
  });

  it('keeps every non-secret field of a creation', () => {
    const changes = auditChanges(null, {
      id: 'c1',
      name: 'Main',
      appId: 'wx1234567890abcdef',
      appSecret: 'top-secret-value',
      token: 'tok',
      encodingAesKey: 'aes',
      sealedSecrets: 'sealed',
      password: 'pw',
    });
    expect(changes).toEqual({ after: { id: 'c1', name: 'Main', appId: 'wx1234567890abcdef' } });
    expect(JSON.stringify(changes)).not.toMatch(/top-secret-value|tok|aes|sealed|pw/);
  });

  it('compares arrays by value and shows removals as null', () => {
    expect(auditChanges({ channelIds: ['a', 'b'], note: 'x' }, { channelIds: ['a', 'b'] })).toEqual(
      { before: { note: 'x' }, after: { note: null } },
    );
    expect(auditChanges({ channelIds: ['a'] }, { channelIds: ['a', 'b'] })).toEqual({
      before: { channelIds: ['a'] },
      after: { channelIds: ['a', 'b'] },
    });
  });

  it('recognises secret field names in any case', () => {
    for (const name of ['password', 'PasswordHash', 'accessToken', 'appSecret', 'encodingAesKey']) {
      expect(isSecretField(name)).toBe(true);
    }
    for (const name of ['name', 'role', 'active', 'departmentIds', 'channelIds', 'appId']) {
      expect(isSecretField(name)).toBe(false);
    }
  });
});
