import type { AttachmentView, MessageView } from '@wechat-desk/desk/data-access';

import { presentMessages } from './message.view';

const sentAt = new Date('2026-11-20T08:00:00.000Z');

const message = (id: string, overrides: Partial<MessageView> = {}): MessageView => ({
  id,
  ticketId: 't',
  direction: 'in',
  type: 'image',
  text: null,
  sentAt,
  status: null,
  failureCode: null,
  failureMessage: null,
  agentId: null,
  ...overrides,
});

const stored = (id: string, messageId: string, role: 'media' | 'thumbnail'): AttachmentView => ({
  id,
  messageId,
  role,
  status: 'stored',
  mimeType: 'image/jpeg',
  size: 12,
  failureCode: null,
  failureMessage: null,
  fileName: null,
});

const failed = (id: string, messageId: string): AttachmentView => ({
  id,
  messageId,
  role: 'media',
  status: 'failed',
  mimeType: null,
  size: null,
  failureCode: 'MEDIA_EXPIRED',
  failureMessage: 'WeChat no longer has this media',
  fileName: null,
});

describe(presentMessages.name, () => {
  it('lists stored attachments with their url on their own message, in order', () => {
    const [first, second] = presentMessages(
      [message('m1'), message('m2')],
      [stored('a1', 'm1', 'media'), stored('a2', 'm1', 'thumbnail')],
    );
    expect(first?.attachments).toEqual([
      { id: 'a1', role: 'media', mimeType: 'image/jpeg', size: 12, url: '/api/v1/attachments/a1' },
      {
        id: 'a2',
        role: 'thumbnail',
        mimeType: 'image/jpeg',
        size: 12,
        url: '/api/v1/attachments/a2',
      },
    ]);
    expect(first?.failure).toBeUndefined();
    expect(second?.attachments).toEqual([]);
  });

  it('shows a failed download as the message failure, not as an attachment', () => {
    const [only] = presentMessages([message('m1')], [failed('a1', 'm1')]);
    expect(only?.attachments).toEqual([]);
    expect(only?.failure).toEqual({
      code: 'MEDIA_EXPIRED',
      message: 'WeChat no longer has this media',
    });
    expect(only?.status).toBeUndefined();
  });

  it("prefers a reply's delivery failure", () => {
    const [only] = presentMessages(
      [
        message('m1', {
          direction: 'out',
          status: 'failed',
          failureCode: 'REPLY_WINDOW_CLOSED',
          failureMessage: 'too late',
        }),
      ],
      [],
    );
    expect(only).toMatchObject({
      status: 'failed',
      failure: { code: 'REPLY_WINDOW_CLOSED', message: 'too late' },
    });
  });

  it("shows the name an agent's file was sent under", () => {
    const [only] = presentMessages(
      [message('m1', { direction: 'out', type: 'document', status: 'queued' })],
      [{ ...stored('a1', 'm1', 'media'), mimeType: 'application/pdf', fileName: 'invoice.pdf' }],
    );
    expect(only?.attachments).toEqual([
      {
        id: 'a1',
        role: 'media',
        mimeType: 'application/pdf',
        size: 12,
        url: '/api/v1/attachments/a1',
        fileName: 'invoice.pdf',
      },
    ]);
  });
});
