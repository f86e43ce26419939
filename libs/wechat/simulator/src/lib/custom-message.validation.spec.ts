import { MAX_TEXT_CONTENT_BYTES, validateCustomMessage } from './custom-message.validation';

const text = (content: unknown): unknown => ({ touser: 'oA', msgtype: 'text', text: { content } });

describe(validateCustomMessage.name, () => {
  it.each([
    ['text', text('hello')],
    ['image', { touser: 'oA', msgtype: 'image', image: { media_id: 'm' } }],
    ['voice', { touser: 'oA', msgtype: 'voice', voice: { media_id: 'm' } }],
    ['video', { touser: 'oA', msgtype: 'video', video: { media_id: 'm', title: 't' } }],
    ['news', { touser: 'oA', msgtype: 'news', news: { articles: [{ title: 't', url: 'u' }] } }],
    ['msgmenu', { touser: 'oA', msgtype: 'msgmenu', msgmenu: { head_content: 'h', list: [] } }],
    ['wxcard', { touser: 'oA', msgtype: 'wxcard', wxcard: { card_id: 'c' } }],
    ['kf_account', { ...(text('hi') as object), customservice: { kf_account: 'a@gh_x' } }],
  ])('accepts %s', (_name, body) => {
    expect(validateCustomMessage(body)).toBeNull();
  });

  it.each([
    ['an array body', [], 'dataFormatError'],
    ['a string body', 'x', 'dataFormatError'],
    ['no touser', { msgtype: 'text', text: { content: 'x' } }, 'invalidOpenId'],
    ['a numeric touser', { touser: 1, msgtype: 'text', text: { content: 'x' } }, 'invalidOpenId'],
    ['an empty touser', { touser: '', msgtype: 'text', text: { content: 'x' } }, 'invalidOpenId'],
    ['no msgtype', { touser: 'oA', text: { content: 'x' } }, 'invalidMessageType'],
    ['msgtype link', { touser: 'oA', msgtype: 'link', link: {} }, 'invalidMessageType'],
    ['msgtype file', { touser: 'oA', msgtype: 'file', file: {} }, 'invalidMessageType'],
    ['no payload object', { touser: 'oA', msgtype: 'text' }, 'dataFormatError'],
    ['a payload that is a string', { touser: 'oA', msgtype: 'text', text: 'x' }, 'dataFormatError'],
    ['missing content', { touser: 'oA', msgtype: 'text', text: {} }, 'dataFormatError'],
    ['empty content', text(''), 'dataFormatError'],
    ['numeric content', text(5), 'dataFormatError'],
    [
      'numeric media_id',
      { touser: 'oA', msgtype: 'image', image: { media_id: 1 } },
      'dataFormatError',
    ],
    [
      'empty media_id',
      { touser: 'oA', msgtype: 'voice', voice: { media_id: '' } },
      'invalidMediaId',
    ],
    ['video without media_id', { touser: 'oA', msgtype: 'video', video: {} }, 'dataFormatError'],
    ['news without articles', { touser: 'oA', msgtype: 'news', news: {} }, 'dataFormatError'],
    [
      'news with 0 articles',
      { touser: 'oA', msgtype: 'news', news: { articles: [] } },
      'dataFormatError',
    ],
    [
      'news with 2 articles',
      { touser: 'oA', msgtype: 'news', news: { articles: [{}, {}] } },
      'articleSizeOutOfLimit',
    ],
  ])('refuses %s', (_name, body, expected) => {
    expect(validateCustomMessage(body)).toBe(expected);
  });

  it('counts the text limit in UTF-8 bytes', () => {
    expect(validateCustomMessage(text('a'.repeat(MAX_TEXT_CONTENT_BYTES)))).toBeNull();
    expect(validateCustomMessage(text('a'.repeat(MAX_TEXT_CONTENT_BYTES + 1)))).toBe(
      'contentSizeOutOfLimit',
    );
    // 683 × 3 bytes = 2049 bytes although only 683 characters.
    expect(validateCustomMessage(text('你'.repeat(683)))).toBe('contentSizeOutOfLimit');
    expect(validateCustomMessage(text('你'.repeat(682)))).toBeNull();
  });
});
