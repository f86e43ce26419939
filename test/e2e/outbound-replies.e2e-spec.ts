import { randomBytes, randomUUID } from 'node:crypto';

import { sendPush, textMessage } from '@wechat-desk/wechat/push-client';
import { waitFor } from '@wechat-desk/shared/testing';

import { DeskSession, pushTargetOf, type ChannelResponse } from './support/desk-session';
import { SystemUnderTest } from './support/system-under-test';

/**
 * Agents' replies through the real services as processes, judged by the simulator, which
 * enforces WeChat's own rules: free sends in the window, the monthly quota outside it through a
 * one-member tag and a mass send, and WeChat's refusals in words on the message.
 */

interface TicketResponse {
  id: string;
  contact: { openId: string };
  replyWindow: ReplyWindow | null;
}
interface ReplyWindow {
  policy: string;
  mode: 'free' | 'quota' | 'closed';
  freeUntil: string | null;
  monthly: { limit: number; used: number; remaining: number };
  code?: string;
}
interface MessageResponse {
  id: string;
  direction: 'in' | 'out';
  type: string;
  text?: string;
  attachments: AttachmentResponse[];
  status?: 'queued' | 'sent' | 'failed';
  failure?: { code: string; message: string };
}
interface AttachmentResponse {
  id: string;
  role: 'media' | 'thumbnail';
  mimeType: string;
  size: number;
  url: string;
  fileName?: string;
}
interface Delivery {
  source: 'custom' | 'mass';
  msgtype: string;
  payload: { content?: string; media_id?: string };
}
interface ErrorResponse {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
interface RecordedCall {
  path: string;
  errcode: number;
  query: Record<string, string>;
  upload?: { field: string; fileName: string; contentType: string; size: number };
}

const ACCOUNT = {
  appId: 'wx0b7b0b7b0b7b0b7b',
  appSecret: 'fedcba9876543210fedcba9876543210',
  originalId: 'gh_0b7b0b7b0b7b',
};
const HOUR_MS = 3_600_000;

/** A valid 1×1 PNG (one opaque pixel). */
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
/** A small PDF: what the desk recognises by its `%PDF-` start. */
const SMALL_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n' +
    '2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n' +
    'trailer\n<< /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);

describe('replies to WeChat, end to end', () => {
  const system = new SystemUnderTest();
  const session = new DeskSession(system);
  const desk = <T>(method: string, path: string, body?: unknown) =>
    session.request<T>(method, path, body);
  let channel: ChannelResponse;

  const sim = (path: string, init?: RequestInit) =>
    fetch(`${system.urls['wechat-sim']}${path}`, init);

  /** A customer writes on WeChat `hoursAgo` ago: the push reaches the ingress, WeChat remembers it. */
  async function customerWrites(
    hoursAgo: number,
    text: string,
  ): Promise<{ openId: string; ticketId: string }> {
    const openId = `oE2eOut_${randomUUID().slice(0, 10)}`;
    const at = new Date(Date.now() - hoursAgo * HOUR_MS);
    for (const kind of ['follow', 'message']) {
      const recorded = await sim(`/sim/accounts/${ACCOUNT.appId}/users/${openId}/interactions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          kind,
          at: new Date(at.getTime() - (kind === 'follow' ? 60_000 : 0)).toISOString(),
        }),
      });
      expect(recorded.status).toBe(200);
    }
    const pushed = await sendPush(
      pushTargetOf(system, channel, openId),
      textMessage({
        toUserName: ACCOUNT.originalId,
        fromUserName: openId,
        content: text,
        msgId: String(7_300_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e12))),
        createTime: Math.floor(at.getTime() / 1000),
      }),
    );
    expect(pushed).toMatchObject({ status: 200, body: 'success' });
    const ticket = await waitFor(
      async () => {
        const list = await desk<{ items: TicketResponse[] }>('GET', '/tickets?limit=100');
        return list.body.items.find((item) => item.contact.openId === openId) ?? null;
      },
      { timeoutMs: 20_000, description: 'the ticket appears' },
    );
    return { openId, ticketId: ticket.id };
  }

  const replyWindow = async (ticketId: string): Promise<ReplyWindow> =>
    (await desk<ReplyWindow>('GET', `/tickets/${ticketId}/reply-window`)).body;

  const thread = async (ticketId: string): Promise<MessageResponse[]> =>
    (await desk<{ items: MessageResponse[] }>('GET', `/tickets/${ticketId}/messages`)).body.items;

  /** The reply as the desk lists it once outbound has sent it or given up. */
  const settled = (ticketId: string, replyId: string, description: string) =>
    waitFor(
      async () => {
        const out = (await thread(ticketId)).find((message) => message.id === replyId);
        return out?.status === 'sent' || out?.status === 'failed' ? out : null;
      },
      { timeoutMs: 20_000, description },
    );

  async function replyAndSettle(ticketId: string, text: string): Promise<MessageResponse> {
    const posted = await desk<{ id: string }>('POST', `/tickets/${ticketId}/messages`, {
      type: 'text',
      text,
    });
    expect(posted.status).toBe(202);
    return settled(ticketId, posted.body.id, `reply "${text}" settles`);
  }

  /** An agent's file reply, as the desk's form sends it (multipart/form-data). */
  function replyWithFile<T>(
    ticketId: string,
    file: { bytes: Buffer; name: string },
    fields: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      form.append(name, value);
    }
    form.append('file', new Blob([file.bytes]), file.name);
    return session.postForm<T>(`/tickets/${ticketId}/messages`, form);
  }

  /** The media/upload calls the simulator answered for the account. */
  const uploads = async (): Promise<RecordedCall[]> =>
    (
      (await (
        await sim(`/sim/calls?path=/cgi-bin/media/upload&appId=${ACCOUNT.appId}`)
      ).json()) as { items: RecordedCall[] }
    ).items;

  /**
   * What WeChat holds under a media_id, read back as any holder of the account's token would
   * (`GET /cgi-bin/media/get`); the stable token is shared, so the desk's own is left alone.
   */
  async function wechatMedia(mediaId: string): Promise<{ contentType: string; bytes: Buffer }> {
    const token = (await (
      await sim('/cgi-bin/stable_token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credential',
          appid: ACCOUNT.appId,
          secret: ACCOUNT.appSecret,
        }),
      })
    ).json()) as { access_token?: string };
    expect(token.access_token).toEqual(expect.any(String));
    const media = await sim(
      `/cgi-bin/media/get?access_token=${token.access_token ?? ''}&media_id=${encodeURIComponent(mediaId)}`,
    );
    return {
      contentType: media.headers.get('content-type') ?? '',
      bytes: Buffer.from(await media.arrayBuffer()),
    };
  }

  const deliveries = async (openId: string): Promise<Delivery[]> =>
    (
      (await (await sim(`/sim/deliveries?appId=${ACCOUNT.appId}&openId=${openId}`)).json()) as {
        items: Delivery[];
      }
    ).items;

  beforeAll(async () => {
    await system.start('outbound-replies');
    await session.signIn();
    channel = await session.createChannel(ACCOUNT, 'Replies account');
  }, 120_000);

  afterAll(async () => {
    await system.stop();
  }, 60_000);

  it('within 48 hours: free, through the customer-service API, exactly once', async () => {
    const { openId, ticketId } = await customerWrites(1, 'Where is my parcel?');
    const before = await replyWindow(ticketId);
    expect(before).toMatchObject({
      policy: 'desk-classic',
      mode: 'free',
      monthly: { used: 0, remaining: 4 },
    });

    const sent = await replyAndSettle(ticketId, 'It left the warehouse today.');

    expect(sent).toMatchObject({ status: 'sent', direction: 'out' });
    expect(await deliveries(openId)).toEqual([
      expect.objectContaining({
        source: 'custom',
        msgtype: 'text',
        payload: { content: 'It left the warehouse today.' },
      }),
    ]);
  });

  it('after 48 hours: 4 monthly messages through a one-member tag, then 409 MONTHLY_QUOTA_EXHAUSTED before WeChat is called', async () => {
    const { openId, ticketId } = await customerWrites(49, 'Hello?');
    expect(await replyWindow(ticketId)).toMatchObject({
      mode: 'quota',
      freeUntil: null,
      monthly: { used: 0, remaining: 4 },
    });

    for (let i = 1; i <= 4; i += 1) {
      expect(await replyAndSettle(ticketId, `Monthly answer ${i}`)).toMatchObject({
        status: 'sent',
      });
    }

    const received = await deliveries(openId);
    expect(received.map((delivery) => [delivery.source, delivery.payload.content])).toEqual(
      [1, 2, 3, 4].map((i) => ['mass', `Monthly answer ${i}`]),
    );
    const closed = await waitFor(
      async () => {
        const window = await replyWindow(ticketId);
        return window.mode === 'closed' ? window : null;
      },
      { timeoutMs: 10_000, description: 'the desk learns the quota is used up' },
    );
    expect(closed).toMatchObject({
      code: 'MONTHLY_QUOTA_EXHAUSTED',
      monthly: { used: 4, remaining: 0 },
    });
    const refused = await desk<{ error: { code: string; message: string } }>(
      'POST',
      `/tickets/${ticketId}/messages`,
      {
        type: 'text',
        text: 'A fifth one',
      },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('MONTHLY_QUOTA_EXHAUSTED');
    expect(refused.body.error.message).toMatch(/reset on 1 /);
    expect(await deliveries(openId)).toHaveLength(4);
    // The tag is empty again: nobody else can receive the next customer's message.
    const user = (await (await sim(`/sim/accounts/${ACCOUNT.appId}/users/${openId}`)).json()) as {
      tagIds: number[];
    };
    expect(user.tagIds).toEqual([]);
  });

  it('a send WeChat refuses shows its reason in words on the message, and gives the slot back', async () => {
    const { openId, ticketId } = await customerWrites(1, 'Bye');
    // The customer unfollowed on WeChat before the desk heard of it.
    const unfollowed = await sim(`/sim/accounts/${ACCOUNT.appId}/users/${openId}/interactions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'unfollow' }),
    });
    expect(unfollowed.status).toBe(200);

    const failed = await replyAndSettle(ticketId, 'Are you still there?');

    expect(failed).toMatchObject({
      status: 'failed',
      failure: {
        code: 'CUSTOMER_NOT_FOLLOWING',
        message: expect.stringMatching(/does not follow/),
      },
    });
    expect(await deliveries(openId)).toEqual([]);
  });

  it('within 48 hours: an image goes as temporary media, the very bytes the agent sent', async () => {
    const { openId, ticketId } = await customerWrites(1, 'Can you show me the label?');
    const uploadsBefore = (await uploads()).length;

    const posted = await replyWithFile<{ id: string; status: string }>(ticketId, {
      bytes: PNG_1X1,
      name: 'label.png',
    });

    expect(posted).toMatchObject({
      status: 202,
      body: { id: expect.any(String), status: 'queued' },
    });
    const sent = await settled(ticketId, posted.body.id, 'the image reply settles');
    expect(sent).toMatchObject({
      direction: 'out',
      type: 'image',
      status: 'sent',
      attachments: [
        {
          id: expect.any(String),
          role: 'media',
          mimeType: 'image/png',
          size: PNG_1X1.length,
          url: expect.any(String),
          fileName: 'label.png',
        },
      ],
    });
    // Uploaded once, as an image, then sent by its media_id through the customer-service API.
    const uploaded = (await uploads()).slice(uploadsBefore);
    expect(uploaded).toEqual([
      expect.objectContaining({
        errcode: 0,
        query: expect.objectContaining({ type: 'image' }),
        upload: expect.objectContaining({ size: PNG_1X1.length }),
      }),
    ]);
    const received = await deliveries(openId);
    expect(received).toEqual([
      expect.objectContaining({
        source: 'custom',
        msgtype: 'image',
        payload: { media_id: expect.any(String) },
      }),
    ]);
    const media = await wechatMedia(received[0]?.payload.media_id ?? '');
    expect(media.contentType).toBe('image/png');
    expect(media.bytes.equals(PNG_1X1)).toBe(true);
    // The agent's view of the attachment is the same file.
    const attachment = await session.download(
      (sent.attachments[0]?.url ?? '').replace(/^\/api\/v1/, ''),
    );
    expect(attachment.status).toBe(200);
    expect(attachment.bytes.equals(PNG_1X1)).toBe(true);
  });

  it('within 48 hours: a document goes as words and a signed link anyone can open, and only as signed', async () => {
    const { openId, ticketId } = await customerWrites(1, 'Can I have the invoice?');
    const uploadsBefore = (await uploads()).length;

    const posted = await replyWithFile<{ id: string; status: string }>(
      ticketId,
      { bytes: SMALL_PDF, name: 'invoice-2026-12.pdf' },
      { text: 'Your invoice' },
    );

    expect(posted).toMatchObject({
      status: 202,
      body: { id: expect.any(String), status: 'queued' },
    });
    const sent = await settled(ticketId, posted.body.id, 'the document reply settles');
    expect(sent).toMatchObject({
      direction: 'out',
      type: 'document',
      status: 'sent',
      attachments: [
        {
          id: expect.any(String),
          role: 'media',
          mimeType: 'application/pdf',
          size: SMALL_PDF.length,
          url: expect.any(String),
          fileName: 'invoice-2026-12.pdf',
        },
      ],
    });
    const attachmentId = sent.attachments[0]?.id ?? '';
    // A document is no WeChat media: nothing was uploaded, the customer got a text.
    expect((await uploads()).length).toBe(uploadsBefore);
    const received = await deliveries(openId);
    expect(received).toEqual([
      expect.objectContaining({
        source: 'custom',
        msgtype: 'text',
        payload: { content: expect.stringContaining('Your invoice') },
      }),
    ]);
    const content = (received[0]?.payload.content ?? '').replaceAll('&amp;', '&');
    const found = content.match(/https?:\/\/[^\s"'<>]+\/files\/[^\s"'<>]+/);
    expect(found).not.toBeNull();
    const link = new URL(found?.[0] ?? 'http://invalid');
    expect(link.origin).toBe(system.urls['desk-api']);
    expect(link.pathname).toBe(`/files/${attachmentId}`);
    expect(link.searchParams.get('expires')).toMatch(/^\d+$/);
    expect(Number(link.searchParams.get('expires'))).toBeGreaterThan(Date.now() / 1000);

    // The customer opens it in WeChat: no token.
    const opened = await fetch(link);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toMatch(/^application\/pdf\b/);
    expect(opened.headers.get('content-disposition')).toMatch(
      /^attachment;.*filename\*=UTF-8''invoice-2026-12\.pdf/,
    );
    expect(Buffer.from(await opened.arrayBuffer()).equals(SMALL_PDF)).toBe(true);

    // One character of the signature changed: refused.
    const signature = link.searchParams.get('signature') ?? '';
    expect(signature).not.toBe('');
    const tampered = new URL(link);
    tampered.searchParams.set(
      'signature',
      `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`,
    );
    const refused = await fetch(tampered);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorResponse).error.code).toBe('LINK_INVALID');
  });

  it('a file WeChat cannot carry is refused up front with 415 UNSUPPORTED_FILE_TYPE, and nothing reaches WeChat', async () => {
    const { openId, ticketId } = await customerWrites(1, 'Here is the installer?');
    const uploadsBefore = (await uploads()).length;
    // A Windows executable's "MZ" header, then noise: no accepted type starts like this.
    const executable = Buffer.concat([Buffer.from([0x4d, 0x5a, 0x90, 0x00]), randomBytes(60)]);

    const refused = await replyWithFile<ErrorResponse>(ticketId, {
      bytes: executable,
      name: 'x.exe',
    });

    expect(refused.status).toBe(415);
    expect(refused.body.error).toMatchObject({
      code: 'UNSUPPORTED_FILE_TYPE',
      message: expect.any(String),
      details: { accepted: expect.arrayContaining([expect.objectContaining({ kind: 'image' })]) },
    });
    // A later reply is the only thing the customer gets: the refused file was never queued.
    await replyAndSettle(ticketId, 'Please send it as a PDF.');
    expect(await deliveries(openId)).toEqual([
      expect.objectContaining({
        source: 'custom',
        msgtype: 'text',
        payload: { content: 'Please send it as a PDF.' },
      }),
    ]);
    expect((await uploads()).length).toBe(uploadsBefore);
    expect(
      (await thread(ticketId))
        .filter((message) => message.direction === 'out')
        .map((message) => message.type),
    ).toEqual(['text']);
  });
});
