import { validateMassSend, validateSendAll } from './mass-message.validation';

const text = { msgtype: 'text', text: { content: 'Hello' } };

describe('mass message bodies', () => {
  it('reads a tag filter, is_to_all, and the content', () => {
    expect(validateSendAll({ filter: { is_to_all: false, tag_id: 100 }, ...text })).toEqual({
      ok: true,
      audience: { kind: 'tag', tagId: 100 },
      content: { msgtype: 'text', payload: { content: 'Hello' }, mediaId: null },
    });
    expect(validateSendAll({ filter: { is_to_all: true }, ...text })).toMatchObject({
      ok: true,
      audience: { kind: 'all' },
    });
    expect(
      validateSendAll({
        filter: { is_to_all: false, tag_id: 2 },
        msgtype: 'mpvideo',
        mpvideo: { media_id: 'm' },
      }),
    ).toMatchObject({ ok: true, content: { msgtype: 'mpvideo', mediaId: 'm' } });
  });

  it.each([
    ['no filter', { ...text }, 'dataFormatError'],
    ['no tag_id', { filter: { is_to_all: false }, ...text }, 'invalidGroupId'],
    ['a string tag_id', { filter: { tag_id: '100' }, ...text }, 'invalidGroupId'],
    [
      'msgtype mpnews',
      { filter: { tag_id: 1 }, msgtype: 'mpnews', mpnews: { media_id: 'm' } },
      'invalidMessageType',
    ],
    ['no payload', { filter: { tag_id: 1 }, msgtype: 'text' }, 'dataFormatError'],
    [
      'empty text',
      { filter: { tag_id: 1 }, msgtype: 'text', text: { content: '' } },
      'dataFormatError',
    ],
    [
      'an image without media_id',
      { filter: { tag_id: 1 }, msgtype: 'image', image: {} },
      'invalidMediaId',
    ],
  ])('refuses sendall with %s', (_name, body, error) => {
    expect(validateSendAll(body)).toEqual({ ok: false, error });
  });

  it('needs at least 2 distinct OpenIDs for mass/send (40130), at most 10 000', () => {
    expect(validateMassSend({ touser: ['oA'], ...text })).toEqual({
      ok: false,
      error: 'openIdListTooShort',
    });
    expect(validateMassSend({ touser: ['oA', 'oA'], ...text })).toEqual({
      ok: false,
      error: 'openIdListTooShort',
    });
    expect(validateMassSend({ touser: ['oA', 'oB'], ...text })).toMatchObject({
      ok: true,
      audience: { kind: 'openids', openIds: ['oA', 'oB'] },
    });
    const many = Array.from({ length: 10_001 }, (_, i) => `o${i}`);
    expect(validateMassSend({ touser: many, ...text })).toEqual({
      ok: false,
      error: 'invalidOpenIdListSize',
    });
    expect(validateMassSend({ touser: 'oA', ...text })).toEqual({
      ok: false,
      error: 'invalidOpenIdListSize',
    });
  });
});
