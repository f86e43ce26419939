import { loadConfig } from '@wechat-desk/shared/config';

import {
  createTestNamespace,
  createTestRedisPrefix,
  namespaceResources,
  TEST_RETRY_DELAYS_MS,
  testEnv,
} from './isolation';

describe(createTestNamespace.name, () => {
  it('gives a unique, valid MESSAGING_NAMESPACE for any label', () => {
    const namespaces = ['Transport', 'outbox relay!', 'ÜBER_long label with spaces and more'].map(
      createTestNamespace,
    );
    expect(namespaces[0]).toMatch(/^test-transport-[0-9a-f]{8}$/);
    expect(namespaces[1]).toMatch(/^test-outbox-relay-[0-9a-f]{8}$/);
    for (const namespace of namespaces) {
      expect(loadConfig({ MESSAGING_NAMESPACE: namespace }).MESSAGING_NAMESPACE).toBe(namespace);
    }
    expect(createTestNamespace('same')).not.toBe(createTestNamespace('same'));
  });
});

describe(createTestRedisPrefix.name, () => {
  it('gives a unique, valid REDIS_KEY_PREFIX ending with a separator', () => {
    const prefix = createTestRedisPrefix('Rate Limit');
    expect(prefix).toMatch(/^test:rate_limit:[0-9a-f]{8}:$/);
    expect(loadConfig({ REDIS_KEY_PREFIX: prefix }).REDIS_KEY_PREFIX).toBe(prefix);
    expect(createTestRedisPrefix('x')).not.toBe(createTestRedisPrefix('x'));
  });
});

describe(testEnv.name, () => {
  it('is a valid configuration on its own: local services, short retries, JSON logs', () => {
    const config = loadConfig(testEnv({ MESSAGING_NAMESPACE: 'test-env-1' }));
    expect(config).toMatchObject({
      NODE_ENV: 'test',
      LOG_FORMAT: 'json',
      MESSAGING_NAMESPACE: 'test-env-1',
      RABBITMQ_RETRY_DELAYS_MS: [...TEST_RETRY_DELAYS_MS],
    });
    expect(config.RABBITMQ_RETRY_DELAYS_MS.every((delay) => delay <= 500)).toBe(true);
  });

  it('lets overrides win, removes undefined ones, and lets nothing else of this process in', () => {
    const previous = process.env['SOME_SECRET_OF_THE_RUNNER'];
    process.env['SOME_SECRET_OF_THE_RUNNER'] = 'leak';
    try {
      const env = testEnv({ DATABASE_URL: 'postgres://x@y/z', LOG_FORMAT: undefined, PORT: '1' });
      expect(env['DATABASE_URL']).toBe('postgres://x@y/z');
      expect(env['PORT']).toBe('1');
      expect('LOG_FORMAT' in env).toBe(false);
      expect(env['SOME_SECRET_OF_THE_RUNNER']).toBeUndefined();
      expect(env['PATH']).toBe(process.env['PATH']);
    } finally {
      if (previous === undefined) {
        delete process.env['SOME_SECRET_OF_THE_RUNNER'];
      } else {
        process.env['SOME_SECRET_OF_THE_RUNNER'] = previous;
      }
    }
  });
});

describe(namespaceResources.name, () => {
  it('names everything under the namespace, one retry queue per distinct delay', () => {
    const { exchange, queues } = namespaceResources('ns', [200, 200, 500]);
    expect(exchange).toBe('ns.events');
    expect(queues).toContain('ns.conversation');
    expect(queues).toContain('ns.conversation.dead-letter');
    expect(queues.filter((queue) => queue.startsWith('ns.conversation.retry.'))).toEqual([
      'ns.conversation.retry.200ms',
      'ns.conversation.retry.500ms',
    ]);
    expect(queues.every((queue) => queue.startsWith('ns.'))).toBe(true);
  });
});
