import type { PushTarget } from '@wechat-desk/wechat/push-client';
import { verifyCallbackUrl } from '@wechat-desk/wechat/push-client';
import { waitFor } from '@wechat-desk/shared/testing';

import { ADMIN, type SystemUnderTest } from './system-under-test';

export interface ChannelResponse {
  id: string;
  originalId: string;
  appId: string;
  callbackUrl: string;
  token: string;
  encodingAesKey: string;
}

export interface SimulatorAccount {
  appId: string;
  appSecret: string;
  originalId: string;
}

/** The desk API as the bootstrap admin uses it, and the setup every end-to-end test needs. */
export class DeskSession {
  private accessToken = '';

  constructor(private readonly system: SystemUnderTest) {}

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.system.urls['desk-api']}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(this.accessToken === '' ? {} : { Authorization: `Bearer ${this.accessToken}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** A `multipart/form-data` request (fetch sets the boundary), e.g. a reply with a file. */
  async postForm<T>(path: string, form: FormData): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.system.urls['desk-api']}/api/v1${path}`, {
      method: 'POST',
      headers: this.accessToken === '' ? {} : { Authorization: `Bearer ${this.accessToken}` },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** As the bootstrap admin unless told whom. */
  async signIn(credentials: { email: string; password: string } = ADMIN): Promise<void> {
    const login = await this.request<{ accessToken: string }>('POST', '/auth/login', credentials);
    if (login.status !== 200) {
      throw new Error(`sign-in of ${credentials.email} answered ${login.status}`);
    }
    this.accessToken = login.body.accessToken;
  }

  /** The bytes of a GET, e.g. an attachment, with the response's headers. */
  async download(path: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const response = await fetch(`${this.system.urls['desk-api']}/api/v1${path}`, {
      headers: { Authorization: `Bearer ${this.accessToken}` },
    });
    return {
      status: response.status,
      headers: response.headers,
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  }

  /**
   * Registers the account at the simulator, creates a department and a secure channel for it,
   * and waits until the ingress knows the channel.
   */
  async createChannel(
    account: SimulatorAccount,
    name = 'Main account',
  ): Promise<ChannelResponse & { departmentId: string }> {
    const registered = await fetch(`${this.system.urls['wechat-sim']}/sim/accounts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(account),
    });
    if (registered.status !== 201) {
      throw new Error(`the simulator refused the account: ${registered.status}`);
    }
    const department = await this.request<{ id: string }>('POST', '/departments', {
      name: `${name} team`,
    });
    const created = await this.request<ChannelResponse>('POST', '/channels', {
      name,
      ...account,
      departmentId: department.body.id,
    });
    if (created.status !== 201) {
      throw new Error(`channel creation answered ${created.status}`);
    }
    const channel = { ...created.body, departmentId: department.body.id };
    await waitFor(
      async () => (await verifyCallbackUrl(pushTargetOf(this.system, channel))).status === 200,
      { timeoutMs: 15_000, description: 'the ingress knows the new channel' },
    );
    return channel;
  }
}

export function pushTargetOf(
  system: SystemUnderTest,
  channel: ChannelResponse,
  openId?: string,
): PushTarget {
  return {
    callbackUrl: `${system.urls.ingress}/wechat/${channel.id}`,
    token: channel.token,
    mode: 'secure',
    encodingAesKey: channel.encodingAesKey,
    appId: channel.appId,
    originalId: channel.originalId,
    ...(openId === undefined ? {} : { openId }),
  };
}
