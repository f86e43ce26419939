import { urlSignature } from '@wechat-desk/wechat/crypto';

import { PushTimeoutError, sendPush, verifyCallbackUrl, WECHAT_PUSH_TIMEOUT_MS } from './http';
import { textMessage } from './messages';
import { type PushTarget } from './push';

const target: PushTarget = {
  callbackUrl: 'http://localhost:8080/wechat/ch_1',
  token: 'tok123',
  mode: 'plaintext',
};
const inner = textMessage({
  toUserName: 'gh_0123456789ab',
  fromUserName: 'oUSER',
  content: 'hi',
  msgId: '1',
  createTime: 1700000000,
});

describe('push-client HTTP', () => {
  let fetchMock: jest.SpiedFunction<typeof fetch>;

  beforeEach(() => {
    fetchMock = jest.spyOn(globalThis, 'fetch');
  });

  afterEach(() => {
    fetchMock.mockRestore();
  });

  function lastRequest(): { url: URL; init: RequestInit } {
    const [input, init] = fetchMock.mock.calls.at(-1)!;
    return { url: new URL(input), init: init! };
  }

  it(`${sendPush.name} POSTs the signed push as text/xml and reports status, body and time`, async () => {
    fetchMock.mockResolvedValue(new Response('success', { status: 200 }));
    const result = await sendPush(target, inner, { timestamp: '1700000000', nonce: '123456789' });
    expect(result).toEqual({ status: 200, body: 'success', durationMs: expect.any(Number) });
    const { url, init } = lastRequest();
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ 'Content-Type': 'text/xml' });
    expect(init.body).toBe(inner);
    expect(init.signal).toBeInstanceOf(AbortSignal);
    expect(url.searchParams.get('signature')).toBe(
      urlSignature('tok123', '1700000000', '123456789'),
    );
    expect(url.searchParams.get('openid')).toBe('oUSER');
  });

  it(`${sendPush.name} reports non-2xx answers as results, not errors`, async () => {
    fetchMock.mockResolvedValue(new Response('bad signature', { status: 401 }));
    await expect(sendPush(target, inner)).resolves.toMatchObject({
      status: 401,
      body: 'bad signature',
    });
  });

  it(`${sendPush.name} gives up after the deadline with ${PushTimeoutError.name}`, async () => {
    fetchMock.mockImplementation(
      (_input, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () =>
            reject(new DOMException('aborted', 'TimeoutError')),
          );
        }),
    );
    await expect(sendPush(target, inner, { timeoutMs: 20 })).rejects.toBeInstanceOf(
      PushTimeoutError,
    );
  });

  it('uses WeChat’s 5 s deadline by default', () => {
    expect(WECHAT_PUSH_TIMEOUT_MS).toBe(5000);
  });

  it(`${verifyCallbackUrl.name} sends WeChat’s GET and checks the echo`, async () => {
    fetchMock.mockResolvedValue(new Response('4375120948345356249', { status: 200 }));
    const result = await verifyCallbackUrl({ ...target, token: 'AAAAA' }, '4375120948345356249', {
      timestamp: '1714036504',
      nonce: '1514711492',
    });
    expect(result).toMatchObject({ status: 200, accepted: true, echostr: '4375120948345356249' });
    const { url, init } = lastRequest();
    expect(init.method).toBe('GET');
    expect([...url.searchParams.keys()]).toEqual(['signature', 'timestamp', 'nonce', 'echostr']);
    // OFFICIAL-URL-VERIFY
    expect(url.searchParams.get('signature')).toBe('f464b24fc39322e44b38aa78f5edd27bd1441696');
  });

  it(`${verifyCallbackUrl.name} is not accepted when the body is anything but echostr`, async () => {
    fetchMock.mockResolvedValue(new Response('"123"\n', { status: 200 }));
    const result = await verifyCallbackUrl(target, '123');
    expect(result.accepted).toBe(false);
    const echostr = lastRequest().url.searchParams.get('echostr');
    expect(echostr).toBe('123');
  });

  it(`${verifyCallbackUrl.name} makes up a numeric echostr by default`, async () => {
    fetchMock.mockResolvedValue(new Response('', { status: 401 }));
    const result = await verifyCallbackUrl(target);
    expect(result.echostr).toMatch(/^\d{1,19}$/);
    expect(result.accepted).toBe(false);
  });
});
