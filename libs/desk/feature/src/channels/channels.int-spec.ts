import { randomBytes } from 'node:crypto';

import type { INestApplication } from '@nestjs/common';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { Client } from 'pg';

import {
  openChannelSecrets,
  RoutingKeys,
  type ChannelUpdatedV1,
  type EventEnvelope,
} from '@wechat-desk/contracts';
import { topologyNames } from '@wechat-desk/shared/messaging';
import { TcpFaultProxy, TEST_RABBITMQ_URL, waitFor } from '@wechat-desk/shared/testing';
import { SecretBox } from '@wechat-desk/shared/util';
import { createWechatSimulatorApp, WechatSimulatorModule } from '@wechat-desk/wechat/simulator';

import type { ErrorBody } from '../common/desk-error';
import { startDeskApi, type RunningDeskApi } from '../test-support/desk-api-harness';
import type { AuditPageView } from '../audit/list-audit-log';
import type { ChannelView } from './channel.view';

const MASTER_KEY = randomBytes(32).toString('hex');
const ADMIN = { email: 'admin@example.com', password: 'admin-password' };
const EGRESS_IP = '203.0.113.10';
/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');

interface Answer<T> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

interface Account {
  appId: string;
  appSecret: string;
  originalId: string;
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const newAccount = (): Account => ({
  appId: `wx${hex(8)}`,
  appSecret: hex(16),
  originalId: `gh_${hex(6)}`,
});

let deskApi: RunningDeskApi | undefined;
let baseUrl: string;
let simulator: INestApplication;
let simulatorUrl: string;
/** Between desk-api and WeChat, so WeChat can become unreachable. */
let wechatProxy: TcpFaultProxy;
let broker: ChannelModel;
let brokerChannel: ConfirmChannel;
let db: Client;
let adminToken: string;
let departmentId: string;
let otherDepartmentId: string;

async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${adminToken}` };
  let payload: string | FormData | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
  const text = await response.text();
  const json = response.headers.get('content-type')?.startsWith('application/json') === true;
  return {
    status: response.status,
    text,
    headers: response.headers,
    body: (json ? JSON.parse(text) : undefined) as T,
  };
}

async function sim(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${simulatorUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function register(account: Account, ipWhitelist?: string[]): Promise<void> {
  const answer = await sim('POST', '/sim/accounts', { ...account, ipWhitelist });
  expect(answer.status).toBe(201);
}

async function tokenCalls(appId: string): Promise<number> {
  const answer = await sim('GET', `/sim/calls?path=/cgi-bin/stable_token&appId=${appId}`);
  return ((await answer.json()) as { items: unknown[] }).items.length;
}

function form(account: Account, extra: Record<string, string> = {}): FormData {
  const data = new FormData();
  const fields = {
    name: 'Main account',
    ...account,
    departmentId,
    ...extra,
  };
  for (const [name, value] of Object.entries(fields)) {
    data.append(name, value);
  }
  return data;
}

function withIcon(data: FormData, bytes: Buffer, filename: string, type: string): FormData {
  data.append('icon', new Blob([new Uint8Array(bytes)], { type }), filename);
  return data;
}

function expectError(answer: Answer<unknown>, status: number, code: string): ErrorBody['error'] {
  expect({ status: answer.status, code: (answer.body as ErrorBody).error?.code }).toEqual({
    status,
    code,
  });
  return (answer.body as ErrorBody).error;
}

async function channelCount(): Promise<number> {
  const rows = await db.query<{ count: string }>('SELECT count(*) FROM desk.channels');
  return Number(rows.rows[0]?.count);
}

/** Takes channel.updated.v1 messages off the ingress's queue until one matches. */
async function channelEvent(channelId: string, version: number): Promise<ChannelUpdatedV1> {
  const queue = topologyNames(deskApi!.namespace).queue('ingress');
  const envelope = await waitFor(
    async () => {
      const message = await brokerChannel.get(queue, { noAck: true });
      if (message === false) {
        return undefined;
      }
      const parsed = JSON.parse(
        message.content.toString('utf8'),
      ) as EventEnvelope<ChannelUpdatedV1>;
      return parsed.type === RoutingKeys.channelUpdated &&
        parsed.data.channelId === channelId &&
        parsed.data.version === version
        ? parsed
        : undefined;
    },
    { timeoutMs: 10_000, description: `channel.updated.v1 ${channelId} v${version}` },
  );
  return envelope.data;
}

async function sealedRow(id: string): Promise<Record<string, unknown>> {
  const rows = await db.query<Record<string, unknown>>(
    'SELECT * FROM desk.channels WHERE id = $1',
    [id],
  );
  return rows.rows[0] ?? {};
}

function openRow(id: string, row: Record<string, unknown>) {
  return openChannelSecrets(
    SecretBox.fromMasterKey(MASTER_KEY),
    id,
    row['sealed_secrets'] as string,
  );
}

beforeAll(async () => {
  simulator = await createWechatSimulatorApp(WechatSimulatorModule.forRoot({}), { logger: false });
  await simulator.listen(0, '127.0.0.1');
  simulatorUrl = (await simulator.getUrl()).replace('[::1]', '127.0.0.1');
  wechatProxy = await TcpFaultProxy.start(TcpFaultProxy.targetOf(simulatorUrl));
  deskApi = await startDeskApi({
    label: 'desk-channels',
    consume: true,
    env: {
      MASTER_KEY,
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      WECHAT_API_BASE_URL: wechatProxy.urlFor(simulatorUrl).replace(/\/+$/, ''),
      WECHAT_EGRESS_IPS: EGRESS_IP,
    },
  });
  baseUrl = deskApi.baseUrl;
  db = new Client({ connectionString: deskApi.databaseUrl });
  await db.connect();
  broker = await connect(TEST_RABBITMQ_URL);
  brokerChannel = await broker.createConfirmChannel();

  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  adminToken = ((await login.json()) as { accessToken: string }).accessToken;
  departmentId = (await call<{ id: string }>('POST', '/api/v1/departments', { name: 'Support' }))
    .body.id;
  otherDepartmentId = (await call<{ id: string }>('POST', '/api/v1/departments', { name: 'Sales' }))
    .body.id;
}, 60_000);

afterAll(async () => {
  await broker?.close().catch(() => undefined);
  await db?.end();
  await deskApi?.stop();
  await wechatProxy?.close();
  await simulator?.close();
}, 60_000);

describe('desk-api channels', () => {
  const main = newAccount();
  let channel: ChannelView;

  beforeAll(async () => {
    await register(main);
  });

  it('creates a channel from a multipart form, its icon typed by its bytes (a PNG named .jpg)', async () => {
    const created = await call<ChannelView>(
      'POST',
      '/api/v1/channels',
      withIcon(form(main, { encryptionMode: 'compatible' }), PNG, 'logo.jpg', 'image/jpeg'),
    );
    expect(created.status).toBe(201);
    channel = created.body;
    expect(channel).toMatchObject({
      name: 'Main account',
      appId: main.appId,
      originalId: main.originalId,
      departmentId,
      enabled: true,
      encryptionMode: 'compatible',
      replyPolicy: 'desk-classic',
      iconUrl: `/api/v1/channels/${channel.id}/icon`,
    });
    expect(created.text).not.toContain(main.appSecret);
    expect(await tokenCalls(main.appId)).toBe(1);

    const icon = await fetch(`${baseUrl}${channel.iconUrl}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await icon.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(`${baseUrl}${channel.iconUrl}`)).status).toBe(401);
  });

  it('keeps no plaintext secret in the database row', async () => {
    const row = await sealedRow(channel.id);
    const text = JSON.stringify(row);
    for (const secret of [main.appSecret, channel.token, channel.encodingAesKey]) {
      expect(text).not.toContain(secret);
    }
    expect(openRow(channel.id, row)).toEqual({
      token: channel.token,
      encodingAesKey: channel.encodingAesKey,
      previousEncodingAesKey: null,
      appSecret: main.appSecret,
    });
  });

  it('refuses icons that are not JPEG or PNG by their bytes, or over 1 MB, before calling WeChat', async () => {
    const other = newAccount();
    await register(other);
    const before = await channelCount();
    const gif = await call(
      'POST',
      '/api/v1/channels',
      withIcon(form(other), GIF, 'a.png', 'image/png'),
    );
    expect(expectError(gif, 422, 'ICON_INVALID').message).toMatch(/JPEG or PNG/);
    const text = Buffer.from('just some text, not an image');
    expectError(
      await call('POST', '/api/v1/channels', withIcon(form(other), text, 'a.jpeg', 'image/jpeg')),
      422,
      'ICON_INVALID',
    );
    const large = Buffer.concat([PNG, Buffer.alloc(1_048_577 - PNG.length)]);
    expectError(
      await call('POST', '/api/v1/channels', withIcon(form(other), large, 'big.png', 'image/png')),
      422,
      'ICON_TOO_LARGE',
    );
    const twoFiles = withIcon(form(other), PNG, 'a.png', 'image/png');
    twoFiles.append('extra', new Blob([new Uint8Array(PNG)]), 'b.png');
    expectError(await call('POST', '/api/v1/channels', twoFiles), 422, 'VALIDATION_FAILED');
    const badFields = await call(
      'POST',
      '/api/v1/channels',
      withIcon(form(other, { appSecret: 'nope', unknown: 'x' }), PNG, 'a.png', 'image/png'),
    );
    expect(
      Object.keys(
        expectError(badFields, 422, 'VALIDATION_FAILED').details['fields'] as object,
      ).sort(),
    ).toEqual(['appSecret', 'unknown']);
    expect(await channelCount()).toBe(before);
    expect(await tokenCalls(other.appId)).toBe(0);
  });

  it('explains in words each way WeChat refuses the credentials, saving nothing', async () => {
    const before = await channelCount();
    const unknown = newAccount();
    const wrongAppId = expectError(
      await call('POST', '/api/v1/channels', form(unknown)),
      422,
      'WECHAT_CREDENTIALS_REJECTED',
    );
    expect(wrongAppId.message).toMatch(/AppID is not valid/);
    expect(wrongAppId.details).toEqual({ errcode: 40013, hint: expect.any(String) });

    const known = newAccount();
    await register(known);
    const wrongSecret = expectError(
      await call('POST', '/api/v1/channels', form({ ...known, appSecret: hex(16) })),
      422,
      'WECHAT_CREDENTIALS_REJECTED',
    );
    expect(wrongSecret.message).toMatch(/AppSecret is not valid/);
    expect(wrongSecret.details).toEqual({ errcode: 40125, hint: expect.stringMatching(/reset/i) });

    const fenced = newAccount();
    await register(fenced, ['198.51.100.77']);
    const notWhitelisted = expectError(
      await call('POST', '/api/v1/channels', form(fenced)),
      422,
      'WECHAT_CREDENTIALS_REJECTED',
    );
    expect(notWhitelisted.message).toMatch(/API IP whitelist/);
    expect(notWhitelisted.details).toEqual({
      errcode: 40164,
      hint: expect.stringContaining(EGRESS_IP),
      egressAddresses: [EGRESS_IP, '127.0.0.1'],
      ipSeenByWechat: '127.0.0.1',
    });

    wechatProxy.cut();
    try {
      const unreachable = expectError(
        await call('POST', '/api/v1/channels', form(known)),
        502,
        'WECHAT_UNREACHABLE',
      );
      expect(unreachable.message).toMatch(/nothing was saved/);
    } finally {
      wechatProxy.restore();
    }
    expect(await channelCount()).toBe(before);
  });

  it('edits a channel, checking a new AppSecret with WeChat first', async () => {
    const renamed = await call<ChannelView>('PATCH', `/api/v1/channels/${channel.id}`, {
      name: ' Renamed ',
      departmentId: otherDepartmentId,
      replyPolicy: 'wechat-2023',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({
      ...channel,
      name: 'Renamed',
      departmentId: otherDepartmentId,
      replyPolicy: 'wechat-2023',
    });
    const event = await channelEvent(channel.id, 2);
    expect(event).toMatchObject({ name: 'Renamed', departmentId: otherDepartmentId, version: 2 });

    const newSecret = hex(16);
    const refused = expectError(
      await call('PATCH', `/api/v1/channels/${channel.id}`, { appSecret: newSecret }),
      422,
      'WECHAT_CREDENTIALS_REJECTED',
    );
    expect(refused.details['errcode']).toBe(40125);
    expect(openRow(channel.id, await sealedRow(channel.id)).appSecret).toBe(main.appSecret);

    // The admin reset the AppSecret in WeChat: WeChat now knows the new one.
    await register({ ...main, appSecret: newSecret });
    const changed = await call<ChannelView>('PATCH', `/api/v1/channels/${channel.id}`, {
      appSecret: newSecret,
    });
    expect(changed.status).toBe(200);
    expect(changed.text).not.toContain(newSecret);
    const row = await sealedRow(channel.id);
    expect(JSON.stringify(row)).not.toContain(newSecret);
    expect(openRow(channel.id, row).appSecret).toBe(newSecret);
    expect(row['version']).toBe(3);
    expect((await channelEvent(channel.id, 3)).sealedSecrets).toBe(row['sealed_secrets']);
    channel = changed.body;

    expectError(
      await call('PATCH', `/api/v1/channels/${channel.id}`, { appId: main.appId }),
      422,
      'VALIDATION_FAILED',
    );
    expectError(
      await call('PATCH', `/api/v1/channels/${channel.id}`, {
        departmentId: '00000000-0000-4000-8000-000000000000',
      }),
      422,
      'DEPARTMENT_NOT_FOUND',
    );
    expectError(
      await call('PATCH', '/api/v1/channels/00000000-0000-4000-8000-000000000000', { name: 'x' }),
      404,
      'NOT_FOUND',
    );
  });

  it('disables and enables a channel, keeping everything', async () => {
    const disabled = await call<ChannelView>('POST', `/api/v1/channels/${channel.id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toEqual({ ...channel, enabled: false });
    expect((await channelEvent(channel.id, 4)).enabled).toBe(false);
    // Disabling again changes nothing.
    expect((await call('POST', `/api/v1/channels/${channel.id}/disable`)).status).toBe(200);
    expect((await sealedRow(channel.id))['version']).toBe(4);

    const enabled = await call<ChannelView>('POST', `/api/v1/channels/${channel.id}/enable`);
    expect(enabled.body).toEqual(channel);
    expect((await channelEvent(channel.id, 5)).enabled).toBe(true);
  });

  it('rotates the EncodingAESKey, the old one kept as previous for the ingress', async () => {
    const rotated = await call<ChannelView>(
      'POST',
      `/api/v1/channels/${channel.id}/rotate-aes-key`,
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.encodingAesKey).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(rotated.body.encodingAesKey).not.toBe(channel.encodingAesKey);
    expect(rotated.body).toEqual({ ...channel, encodingAesKey: rotated.body.encodingAesKey });

    const event = await channelEvent(channel.id, 6);
    const secrets = openChannelSecrets(
      SecretBox.fromMasterKey(MASTER_KEY),
      channel.id,
      event.sealedSecrets,
    );
    expect(secrets).toEqual({
      token: channel.token,
      encodingAesKey: rotated.body.encodingAesKey,
      previousEncodingAesKey: channel.encodingAesKey,
      appSecret: expect.any(String),
    });
    const row = JSON.stringify(await sealedRow(channel.id));
    for (const secret of [rotated.body.encodingAesKey, channel.encodingAesKey, channel.token]) {
      expect(row).not.toContain(secret);
    }
  });

  it('records every channel change in the audit log, naming changed secrets but never their values', async () => {
    const log = await call<AuditPageView>('GET', `/api/v1/audit-log?limit=100`);
    expect(log.status).toBe(200);
    const entries = log.body.items.filter((entry) => entry.target.id === channel.id);
    expect(entries.map((entry) => entry.action).reverse()).toEqual(
      expect.arrayContaining([
        'channel.created',
        'channel.updated',
        'channel.disabled',
        'channel.enabled',
        'channel.aes-key-rotated',
      ]),
    );
    const current = openRow(channel.id, await sealedRow(channel.id));
    const text = JSON.stringify(log.body);
    for (const secret of [
      main.appSecret,
      current.appSecret,
      current.token,
      current.encodingAesKey,
      current.previousEncodingAesKey ?? 'none',
    ]) {
      expect(text).not.toContain(secret);
    }
  });
});
