import { urlSignature } from '@wechat-desk/wechat/crypto';

import {
  isWechatAcknowledgement,
  PushTimeoutError,
  sendPush,
  sendPushLikeWechat,
  verifyCallbackUrl,
  WECHAT_PUSH_RETRIES,
  WECHAT_PUSH_TIMEOUT_MS,
} from './http';
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

  describe(sendPushLikeWechat.name, () => {
    /** A receiver that never answers: the request ends only when the client gives up. */
    function stall(_input: unknown, init?: RequestInit): Promise<Response> {
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () =>
          reject(new DOMException('aborted', 'TimeoutError')),
        );
      });
    }

    function sentCopies(): Array<{ url: string; method: string | undefined; body: unknown }> {
      return fetchMock.mock.calls.map(([input, init]) => ({
        url: input as string,
        method: init?.method,
        body: init?.body,
      }));
    }

    it('sends one more identical copy when the first attempt gets no answer in time', async () => {
      fetchMock.mockImplementationOnce(stall).mockResolvedValueOnce(new Response('success'));
      const delivery = await sendPushLikeWechat(
        { ...target, mode: 'secure', encodingAesKey: 'a'.repeat(43), appId: 'wx0123456789abcdef' },
        inner,
        { timeoutMs: 20 },
      );
      expect(delivery).toEqual({
        acknowledged: true,
        attempts: [
          { attempt: 1, outcome: 'timeout', timeoutMs: 20 },
          {
            attempt: 2,
            outcome: 'answered',
            acknowledged: true,
            status: 200,
            body: 'success',
            durationMs: expect.any(Number),
          },
        ],
      });
      const copies = sentCopies();
      expect(copies).toHaveLength(2);
      // Byte for byte: same signature, timestamp, nonce and ciphertext.
      expect(copies[1]).toEqual(copies[0]);
      expect(copies[0].method).toBe('POST');
    });

    it('sends a single copy when the receiver acknowledges at once', async () => {
      fetchMock.mockResolvedValue(new Response('success'));
      const delivery = await sendPushLikeWechat(target, inner, { timeoutMs: 20 });
      expect(delivery.acknowledged).toBe(true);
      expect(delivery.attempts).toHaveLength(1);
      expect(fetchMock).toHaveBeenCalledTimes(1);
    });

    it(`gives up after ${WECHAT_PUSH_RETRIES} retries of an unacknowledged push, reporting each attempt`, async () => {
      fetchMock
        .mockResolvedValueOnce(new Response('try again', { status: 503 }))
        .mockRejectedValueOnce(new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') }))
        .mockImplementationOnce(stall)
        .mockResolvedValueOnce(new Response('{"ok":true}'));
      const delivery = await sendPushLikeWechat(target, inner, { timeoutMs: 20 });
      expect(delivery.acknowledged).toBe(false);
      expect(delivery.attempts).toEqual([
        expect.objectContaining({
          attempt: 1,
          outcome: 'answered',
          status: 503,
          acknowledged: false,
        }),
        { attempt: 2, outcome: 'failed', error: 'fetch failed (ECONNREFUSED)' },
        { attempt: 3, outcome: 'timeout', timeoutMs: 20 },
        expect.objectContaining({
          attempt: 4,
          outcome: 'answered',
          status: 200,
          acknowledged: false,
        }),
      ]);
      const copies = sentCopies();
      expect(copies).toHaveLength(1 + WECHAT_PUSH_RETRIES);
      expect(new Set(copies.map((copy) => JSON.stringify(copy))).size).toBe(1);
    });

    it('stops at the first acknowledgement and honours a smaller retry budget', async () => {
      fetchMock
        .mockResolvedValueOnce(new Response('nope', { status: 500 }))
        .mockResolvedValueOnce(new Response(''))
        .mockResolvedValue(new Response('success'));
      expect((await sendPushLikeWechat(target, inner)).attempts).toHaveLength(2);
      fetchMock.mockReset().mockResolvedValue(new Response('nope', { status: 500 }));
      expect((await sendPushLikeWechat(target, inner, { retries: 0 })).attempts).toHaveLength(1);
      await expect(sendPushLikeWechat(target, inner, { retries: -1 })).rejects.toThrow('retries');
    });
  });

  it.each([
    [200, 'success', true],
    [200, '', true],
    [200, '<xml><Encrypt><![CDATA[x]]></Encrypt></xml>', true],
    [204, '', true],
    [200, 'success\n', false],
    [200, '"success"', false],
    [200, '{"status":"success"}', false],
    [500, 'success', false],
    [301, '', false],
  ])(`${isWechatAcknowledgement.name}(%i, %j) is %s`, (status, body, expected) => {
    expect(isWechatAcknowledgement({ status, body })).toBe(expected);
  });
});
