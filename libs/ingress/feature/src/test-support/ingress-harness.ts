import { randomBytes, randomUUID } from 'node:crypto';

import { Module, type INestApplication } from '@nestjs/common';
import { Client } from 'pg';

import {
  createEnvelope,
  RoutingKeys,
  sealChannelSecrets,
  validateEventData,
  type ChannelSecrets,
  type EncryptionMode,
} from '@wechat-desk/contracts';
import { ConfigModule, loadConfig } from '@wechat-desk/shared/config';
import { connectConsumer, MessagingModule, topologyNames } from '@wechat-desk/shared/messaging';
import { ObservabilityModule, runService } from '@wechat-desk/shared/observability';
import { migrateAll, PersistenceModule } from '@wechat-desk/shared/persistence';
import { RedisModule } from '@wechat-desk/shared/redis';
import {
  BrokerProbe,
  createTestDatabase,
  createTestNamespace,
  createTestRedisPrefix,
  deleteNamespace,
  deleteRedisPrefix,
  TcpFaultProxy,
  TEST_RABBITMQ_URL,
  TEST_REDIS_URL,
  TEST_RETRY_DELAYS_MS,
  waitFor,
  type TestDatabase,
} from '@wechat-desk/shared/testing';
import { SecretBox } from '@wechat-desk/shared/util';
import { generateEncodingAesKey, generateToken } from '@wechat-desk/wechat/crypto';
import type { PushTarget } from '@wechat-desk/wechat/push-client';

import { configureIngress } from '../configure-ingress';
import { ingressMigrations } from '../data-access/migrations';
import { IngressFeatureModule } from '../ingress-feature.module';

/** What apps/ingress/src/app.module.ts wires (an app cannot be imported from a lib). */
@Module({
  imports: [
    ConfigModule,
    ObservabilityModule.forService('ingress'),
    PersistenceModule.forService({
      schema: 'ingress',
      entities: [],
      migrations: ingressMigrations,
      applicationName: 'ingress-test',
    }),
    MessagingModule.forService({ service: 'ingress', outbox: { inOrder: true } }),
    RedisModule,
    IngressFeatureModule,
  ],
})
class IngressTestModule {}

export interface TestChannel {
  channelId: string;
  version: number;
  enabled: boolean;
  encryptionMode: EncryptionMode;
  appId: string;
  originalId: string;
  secrets: ChannelSecrets;
}

/**
 * The real ingress in this process on port 0, its own database, RabbitMQ namespace and Redis
 * prefix, and every connection to them through a TcpFaultProxy the test controls. Published
 * pushes land in the namespace's conversation queue, where `published()` reads them.
 */
export class IngressHarness {
  private constructor(
    readonly app: INestApplication,
    readonly baseUrl: string,
    readonly database: TestDatabase,
    readonly namespace: string,
    readonly redisPrefix: string,
    readonly broker: TcpFaultProxy,
    readonly postgres: TcpFaultProxy,
    readonly redis: TcpFaultProxy,
    readonly probe: BrokerProbe,
    private readonly secretBox: SecretBox,
  ) {}

  static async start(label: string, env: NodeJS.ProcessEnv = {}): Promise<IngressHarness> {
    const database = await createTestDatabase(label);
    const namespace = createTestNamespace(label);
    const redisPrefix = createTestRedisPrefix(label);
    const broker = await TcpFaultProxy.start(TcpFaultProxy.targetOf(TEST_RABBITMQ_URL));
    const postgres = await TcpFaultProxy.start(TcpFaultProxy.targetOf(database.url));
    const redis = await TcpFaultProxy.start(TcpFaultProxy.targetOf(TEST_REDIS_URL));
    const masterKey = randomBytes(32).toString('hex');
    Object.assign(process.env, {
      NODE_ENV: 'test',
      DATABASE_URL: postgres.urlFor(database.url),
      RABBITMQ_URL: broker.urlFor(TEST_RABBITMQ_URL),
      REDIS_URL: redis.urlFor(TEST_REDIS_URL),
      REDIS_KEY_PREFIX: redisPrefix,
      MESSAGING_NAMESPACE: namespace,
      RABBITMQ_RETRY_DELAYS_MS: TEST_RETRY_DELAYS_MS.join(','),
      MASTER_KEY: masterKey,
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      INGRESS_PUBLISH_TIMEOUT_MS: '300',
      INGRESS_SPOOL_TIMEOUT_MS: '500',
      ...env,
    });
    await migrateAll(database.url, [{ schema: 'ingress', migrations: ingressMigrations }]);
    const app = await runService({
      service: 'ingress',
      module: IngressTestModule,
      config: loadConfig(),
      port: 0,
      configure: (nestApp) => {
        configureIngress(nestApp);
        connectConsumer(nestApp);
      },
    });
    const probe = await BrokerProbe.open(TEST_RABBITMQ_URL, `${namespace}-probe`);
    // The ingress consumes once it declared and bound the topology; nothing can be announced before.
    const ingressQueue = topologyNames(namespace).queue('ingress');
    await waitFor(async () => (await probe.consumerCount(ingressQueue)) > 0, {
      description: 'the ingress consumes its queue',
    });
    return new IngressHarness(
      app,
      (await app.getUrl()).replace('[::1]', '127.0.0.1'),
      database,
      namespace,
      redisPrefix,
      broker,
      postgres,
      redis,
      probe,
      SecretBox.fromMasterKey(masterKey),
    );
  }

  get conversationQueue(): string {
    return topologyNames(this.namespace).queue('conversation');
  }

  callbackUrl(channelId: string): string {
    return `${this.baseUrl}/wechat/${channelId}`;
  }

  /** How a push client reaches a channel with its current key. */
  target(channel: TestChannel, encodingAesKey = channel.secrets.encodingAesKey): PushTarget {
    return {
      callbackUrl: this.callbackUrl(channel.channelId),
      token: channel.secrets.token,
      mode: channel.encryptionMode,
      encodingAesKey,
      appId: channel.appId,
    };
  }

  newChannel(overrides: Partial<Omit<TestChannel, 'secrets'>> = {}): TestChannel {
    return {
      channelId: randomUUID(),
      version: 1,
      enabled: true,
      encryptionMode: 'secure',
      appId: `wx${randomBytes(8).toString('hex')}`,
      originalId: `gh_${randomBytes(6).toString('hex')}`,
      secrets: {
        token: generateToken(),
        encodingAesKey: generateEncodingAesKey(),
        previousEncodingAesKey: null,
        appSecret: randomBytes(16).toString('hex'),
      },
      ...overrides,
    };
  }

  /** Announces a channel's state the way desk-api does: channel.updated.v1 on the broker. */
  async announce(channel: TestChannel): Promise<void> {
    const data = validateEventData(RoutingKeys.channelUpdated, {
      channelId: channel.channelId,
      version: channel.version,
      name: `channel ${channel.channelId.slice(0, 8)}`,
      departmentId: randomUUID(),
      enabled: channel.enabled,
      encryptionMode: channel.encryptionMode,
      replyPolicy: 'desk-classic',
      appId: channel.appId,
      originalId: channel.originalId,
      sealedSecrets: sealChannelSecrets(this.secretBox, channel.channelId, channel.secrets),
    });
    const envelope = createEnvelope(RoutingKeys.channelUpdated, data);
    await this.probe.publishRouted(
      topologyNames(this.namespace).exchange,
      envelope.type,
      JSON.stringify(envelope),
      { messageId: envelope.id, type: envelope.type },
    );
  }

  /**
   * Takes every push published so far (envelopes, in queue order). The conversation queue also
   * takes channel.updated.v1, which this harness publishes itself: those are left out.
   */
  async takePublished(): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
    const messages = await this.probe.drain(this.conversationQueue);
    return messages
      .map(
        (message) =>
          JSON.parse(message.content.toString('utf8')) as {
            type: string;
            data: Record<string, unknown>;
          },
      )
      .filter((envelope) => envelope.type.startsWith('wechat.'));
  }

  async spoolDepth(): Promise<number> {
    const client = new Client({ connectionString: this.database.url });
    await client.connect();
    try {
      const result = await client.query<{ depth: number }>(
        'SELECT count(*)::int AS depth FROM ingress.outbox',
      );
      return result.rows[0]?.depth ?? 0;
    } finally {
      await client.end();
    }
  }

  async metrics(): Promise<string> {
    const response = await fetch(`${this.baseUrl}/metrics`);
    return response.text();
  }

  async stop(): Promise<void> {
    for (const proxy of [this.broker, this.postgres, this.redis]) {
      proxy.restore();
    }
    await this.app.close();
    await this.probe.close();
    await Promise.all([this.broker.close(), this.postgres.close(), this.redis.close()]);
    await this.database.drop();
    await deleteNamespace(TEST_RABBITMQ_URL, this.namespace, TEST_RETRY_DELAYS_MS);
    await deleteRedisPrefix(TEST_REDIS_URL, this.redisPrefix);
  }
}
