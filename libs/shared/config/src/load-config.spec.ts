import { ConfigValidationError, loadConfig } from './load-config';

describe(loadConfig.name, () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('postgres://postgres@localhost:5432/wechat_desk');
    expect(config.RABBITMQ_URL).toBe('amqp://guest:guest@localhost:5672');
    expect(config.REDIS_URL).toBe('redis://localhost:6379');
    expect(config.WECHAT_API_BASE_URL).toBe('https://api.weixin.qq.com');
    expect(config.PUBLIC_BASE_URL).toBe('http://localhost:8080');
    expect(config.PUBLIC_FILES_BASE_URL).toBe('http://localhost:8081');
    expect(config.INGRESS_PORT).toBe(8080);
    expect(config.DESK_API_PORT).toBe(8081);
    expect(config.INGRESS_MAX_CLOCK_SKEW_S).toBe(300);
    expect(config.MASTER_KEY).toBeUndefined();
    expect(config.REPLY_QUOTA_TIME_ZONE).toBe('Asia/Shanghai');
    expect(config.DOCUMENT_LINK_TTL_HOURS).toBe(168);
  });

  it('accepts a known time zone for the monthly quota and refuses an unknown one', () => {
    expect(loadConfig({ REPLY_QUOTA_TIME_ZONE: 'Europe/Berlin' }).REPLY_QUOTA_TIME_ZONE).toBe(
      'Europe/Berlin',
    );
    expect(() => loadConfig({ REPLY_QUOTA_TIME_ZONE: 'Mars/Olympus' })).toThrow(
      'REPLY_QUOTA_TIME_ZONE must be a time zone this runtime knows',
    );
  });

  it('converts numbers and lists from their text form', () => {
    const config = loadConfig({
      INGRESS_PORT: '9000',
      RABBITMQ_RETRY_DELAYS_MS: '100, 200,400',
    });
    expect(config.INGRESS_PORT).toBe(9000);
    expect(config.RABBITMQ_RETRY_DELAYS_MS).toEqual([100, 200, 400]);
  });

  it('lists every wrong variable at once', () => {
    let caught: unknown;
    try {
      loadConfig({
        INGRESS_PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        RABBITMQ_RETRY_DELAYS_MS: '5',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const problems = (caught as ConfigValidationError).problems.join('\n');
    expect(problems).toContain('INGRESS_PORT');
    expect(problems).toContain('DATABASE_URL must be a postgres:// URL');
    expect(problems).toContain('RABBITMQ_RETRY_DELAYS_MS');
  });

  it('requires MASTER_KEY in production and checks its length', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      'MASTER_KEY is required in production',
    );
    expect(() => loadConfig({ MASTER_KEY: 'abc' })).toThrow('MASTER_KEY must be 32 bytes');
    expect(loadConfig({ NODE_ENV: 'production', MASTER_KEY: 'a'.repeat(64) }).MASTER_KEY).toBe(
      'a'.repeat(64),
    );
  });

  it('requires a password of reasonable length with the bootstrap admin', () => {
    expect(() => loadConfig({ BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com' })).toThrow(
      'BOOTSTRAP_ADMIN_PASSWORD is required',
    );
    expect(() =>
      loadConfig({ BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'short' }),
    ).toThrow('at least 8 characters');
  });
});
