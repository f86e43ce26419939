import { documentText, massContent, ReplyNotSendableError, replyContent } from './reply-content';

const replyId = 'b1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

describe(replyContent.name, () => {
  it('sends a text as it is', () => {
    expect(replyContent({ replyId, type: 'text', text: 'Hello\nthere' }, null)).toEqual({
      msgtype: 'text',
      text: { content: 'Hello\nthere' },
    });
  });

  it.each(['image', 'voice'] as const)('sends an %s by its media_id', (type) => {
    expect(replyContent({ replyId, type }, 'MEDIA1')).toEqual({
      msgtype: type,
      [type]: { media_id: 'MEDIA1' },
    });
  });

  it('sends a video by its media_id, titled with the file name', () => {
    expect(
      replyContent({ replyId, type: 'video', attachmentFileName: 'demo.mp4' }, 'MEDIA2'),
    ).toEqual({ msgtype: 'video', video: { media_id: 'MEDIA2', title: 'demo.mp4' } });
  });

  it('refuses media without a media_id', () => {
    expect(() => replyContent({ replyId, type: 'image' }, null)).toThrow(ReplyNotSendableError);
  });

  it('sends a document as a text with its link', () => {
    expect(
      replyContent(
        {
          replyId,
          type: 'document',
          text: 'The invoice:',
          documentUrl: 'https://files.example.com/files/1?expires=2&signature=ab',
          attachmentFileName: 'invoice.pdf',
        },
        null,
      ),
    ).toEqual({
      msgtype: 'text',
      text: {
        content:
          'The invoice:\n<a href="https://files.example.com/files/1?expires=2&amp;signature=ab">invoice.pdf</a>',
      },
    });
  });
});

describe(documentText.name, () => {
  it('escapes the file name so it cannot break the link', () => {
    expect(documentText({ documentUrl: 'https://x.example/f', fileName: '<b>"a&b".pdf' })).toBe(
      '<a href="https://x.example/f">&lt;b&gt;&quot;a&amp;b&quot;.pdf</a>',
    );
  });

  it('sends the link alone when there are no words', () => {
    expect(
      documentText({ text: '  ', documentUrl: 'https://x.example/f', fileName: 'a.pdf' }),
    ).toBe('<a href="https://x.example/f">a.pdf</a>');
  });
});

describe(massContent.name, () => {
  it('keeps text, image and voice, and has no monthly route for video', () => {
    const text = replyContent({ replyId, type: 'text', text: 'Hi' }, null);
    expect(massContent(text)).toBe(text);
    expect(massContent(replyContent({ replyId, type: 'video' }, 'M'))).toBeNull();
  });
});
