import type { SimAccount } from './accounts';
import { AudienceStateService } from './audience-state.service';
import { SimulatorStateService } from './simulator-state.service';
import { WechatMassApiService } from './wechat-mass-api.service';
import { WECHAT_ERRORS } from './wechat-errors';

const account: SimAccount = {
  appId: 'wx0123456789abcdef',
  appSecret: '0123456789abcdef0123456789abcdef',
  originalId: 'gh_0123456789ab',
};

describe(WechatMassApiService.name, () => {
  let now: number;
  let state: SimulatorStateService;
  let audience: AudienceStateService;
  let api: WechatMassApiService;
  let q: { access_token: string };
  const post = (
    method:
      'createTag' | 'deleteTag' | 'tagsOfUser' | 'tagMembers' | 'sendAll' | 'massSend' | 'massGet',
    body: unknown,
  ) => api[method](q, JSON.stringify(body));
  const tagging = (openIds: string[], tagId: number, tagged = true) =>
    api.tagging(q, JSON.stringify({ openid_list: openIds, tagid: tagId }), tagged);
  const follow = (...openIds: string[]) => {
    for (const openId of openIds) {
      audience.recordInteraction(account.appId, openId, 'follow', now);
    }
  };
  const sendAllText = (tagId: number, content = 'Hello') =>
    post('sendAll', {
      filter: { is_to_all: false, tag_id: tagId },
      msgtype: 'text',
      text: { content },
    }) as { msg_id: number };

  beforeEach(() => {
    // 2026-01-31 23:59:00 in Shanghai.
    now = Date.UTC(2026, 0, 31, 15, 59, 0);
    state = new SimulatorStateService(() => now, { accounts: [account] });
    audience = new AudienceStateService(state);
    api = new WechatMassApiService(state, audience, { massSendJobDelayMs: 60_000 });
    q = { access_token: state.stableToken(account.appId, false).accessToken };
  });

  afterEach(() => {
    api.onModuleDestroy();
  });

  describe('tags', () => {
    it('creates from id 100, refuses duplicates (45157) and long names (45158), lists counts', () => {
      expect(post('createTag', { tag: { name: '客户' } })).toEqual({
        tag: { id: 100, name: '客户' },
      });
      expect(post('createTag', { tag: { name: '客户' } })).toEqual(WECHAT_ERRORS.invalidTagName);
      expect(post('createTag', { tag: { name: '星标组' } })).toEqual(WECHAT_ERRORS.invalidTagName);
      expect(post('createTag', { tag: { name: 'x'.repeat(31) } })).toEqual(
        WECHAT_ERRORS.tagNameTooLong,
      );
      expect(post('createTag', { tag: {} })).toEqual(WECHAT_ERRORS.invalidTagName);
      follow('oA', 'oB');
      expect(tagging(['oA', 'oB'], 100)).toEqual(WECHAT_ERRORS.ok);
      expect(api.getTags(q)).toEqual({
        tags: [
          { id: 2, name: '星标组', count: 0 },
          { id: 100, name: '客户', count: 2 },
        ],
      });
    });

    it('tags all or nothing: 40032 list size, 45159 tag, 40003 OpenID, 45059 over 20 tags', () => {
      follow('oA');
      post('createTag', { tag: { name: 't' } });
      expect(tagging([], 100)).toEqual(WECHAT_ERRORS.invalidOpenIdListSize);
      expect(
        tagging(
          Array.from({ length: 51 }, () => 'oA'),
          100,
        ),
      ).toEqual(WECHAT_ERRORS.invalidOpenIdListSize);
      expect(tagging(['oA'], 999)).toEqual(WECHAT_ERRORS.invalidTagId);
      expect(tagging(['oA', 'oNobody'], 100)).toEqual(WECHAT_ERRORS.invalidOpenId);
      expect(audience.getUser(account.appId, 'oA')?.tagIds).toEqual([]);
      for (let i = 1; i < 21; i += 1) {
        post('createTag', { tag: { name: `t${i}` } });
      }
      for (let id = 100; id < 120; id += 1) {
        expect(tagging(['oA'], id)).toEqual(WECHAT_ERRORS.ok);
      }
      expect(tagging(['oA'], 120)).toEqual(WECHAT_ERRORS.tooManyTagsOnUser);
      expect(post('tagsOfUser', { openid: 'oA' })).toMatchObject({ tagid_list: expect.any(Array) });
      expect(tagging(['oA'], 119, false)).toEqual(WECHAT_ERRORS.ok);
      expect(tagging(['oA'], 120)).toEqual(WECHAT_ERRORS.ok);
    });

    it('lists members in pages with next_openid, and deletes tags (45058 for system ones)', () => {
      follow('oA', 'oB', 'oC');
      post('createTag', { tag: { name: 't' } });
      tagging(['oC', 'oA'], 100);
      expect(post('tagMembers', { tagid: 100, next_openid: '' })).toEqual({
        count: 2,
        data: { openid: ['oA', 'oC'] },
        next_openid: 'oC',
      });
      expect(post('tagMembers', { tagid: 100, next_openid: 'oC' })).toEqual({
        count: 0,
        next_openid: '',
      });
      expect(post('tagMembers', { tagid: 7 })).toEqual(WECHAT_ERRORS.invalidTagId);
      expect(post('deleteTag', { tag: { id: 2 } })).toEqual(WECHAT_ERRORS.cannotModifySysTag);
      expect(post('deleteTag', { tag: { id: 100 } })).toEqual(WECHAT_ERRORS.ok);
      expect(post('deleteTag', { tag: { id: 100 } })).toEqual(WECHAT_ERRORS.invalidTagId);
      expect(audience.getUser(account.appId, 'oA')?.tagIds).toEqual([]);
    });

    it('checks the token like custom/send', () => {
      expect(api.createTag({}, '{}')).toEqual(WECHAT_ERRORS.accessTokenMissing);
      expect(api.getTags({ access_token: 'nope' })).toEqual(WECHAT_ERRORS.invalidCredential);
      state.expireTokens(account.appId);
      expect(api.sendAll(q, '{}')).toEqual(WECHAT_ERRORS.accessTokenExpired);
    });
  });

  describe('mass sends', () => {
    beforeEach(() => {
      follow('oA', 'oB', 'oGone');
      audience.recordInteraction(account.appId, 'oGone', 'unfollow', now);
      post('createTag', { tag: { name: 'outside-48h' } });
      tagging(['oA', 'oB', 'oGone'], 100);
    });

    it('submits a job to the tag’s members at that moment; it delivers when it finishes', () => {
      const submitted = sendAllText(100);
      expect(submitted).toEqual({
        errcode: 0,
        errmsg: 'send job submission success',
        msg_id: expect.any(Number),
        msg_data_id: expect.any(Number),
      });
      // Untagging after submission does not change who receives it.
      tagging(['oB'], 100, false);
      expect(post('massGet', { msg_id: submitted.msg_id })).toEqual({
        msg_id: submitted.msg_id,
        msg_status: 'SENDING',
      });
      expect(audience.listDeliveries()).toEqual([]);
      api.finish(submitted.msg_id);
      expect(post('massGet', { msg_id: submitted.msg_id })).toMatchObject({
        msg_status: 'SEND_SUCCESS',
      });
      const [job] = audience.listMassJobs();
      expect(job).toMatchObject({
        status: 'SEND_SUCCESS',
        recipients: [
          { openId: 'oA', outcome: 'sent' },
          { openId: 'oB', outcome: 'sent' },
          { openId: 'oGone', outcome: 'error-not-following' },
        ],
        counts: { TotalCount: 3, FilterCount: 3, SentCount: 2, ErrorCount: 1 },
        callback: null,
      });
      expect(audience.listDeliveries().map((d) => [d.openId, d.source, d.payload])).toEqual([
        ['oA', 'mass', { content: 'Hello' }],
        ['oB', 'mass', { content: 'Hello' }],
      ]);
      expect(post('massGet', { msg_id: 1 })).toEqual(WECHAT_ERRORS.invalidMsgId);
    });

    it('filters users past 4 this month until the Shanghai month turns', () => {
      for (let i = 1; i <= 4; i += 1) {
        api.finish(sendAllText(100, `m${i}`).msg_id);
      }
      api.finish(sendAllText(100, 'm5').msg_id);
      expect(audience.listMassJobs().at(-1)).toMatchObject({
        status: 'SEND_FAIL',
        counts: { TotalCount: 3, FilterCount: 1, SentCount: 0, ErrorCount: 1 },
      });
      now += 60_000; // 2026-02-01 00:00:00 in Shanghai
      api.finish(sendAllText(100, 'February').msg_id);
      expect(audience.listMassJobs().at(-1)?.counts).toEqual({
        TotalCount: 3,
        FilterCount: 3,
        SentCount: 2,
        ErrorCount: 1,
      });
      expect(audience.getUser(account.appId, 'oA')?.massReceived).toEqual({
        '2026-01': 4,
        '2026-02': 1,
      });
      expect(audience.listDeliveries({ openId: 'oA' }).map((d) => d.payload)).toEqual(
        ['m1', 'm2', 'm3', 'm4', 'February'].map((content) => ({ content })),
      );
    });

    it('refuses an unknown tag (40050), bad media (40007), and mass/send to one OpenID (40130)', () => {
      expect(sendAllText(999)).toEqual(WECHAT_ERRORS.invalidGroupId);
      expect(
        post('sendAll', {
          filter: { is_to_all: false, tag_id: 100 },
          msgtype: 'image',
          image: { media_id: 'nope' },
        }),
      ).toEqual(WECHAT_ERRORS.invalidMediaId);
      const text = { msgtype: 'text', text: { content: 'x' } };
      expect(post('massSend', { touser: ['oA'], ...text })).toEqual(
        WECHAT_ERRORS.openIdListTooShort,
      );
      const sent = post('massSend', { touser: ['oA', 'oNobody'], ...text }) as { msg_id: number };
      api.finish(sent.msg_id);
      expect(audience.listMassJobs().at(-1)).toMatchObject({
        api: 'send',
        counts: { TotalCount: 2, SentCount: 1, ErrorCount: 1 },
        recipients: [
          { openId: 'oA', outcome: 'sent' },
          { openId: 'oNobody', outcome: 'error-unknown-openid' },
        ],
      });
      expect(audience.listMassJobs()).toHaveLength(1);
    });

    it('sends is_to_all to every follower', () => {
      const sent = post('sendAll', {
        filter: { is_to_all: true },
        msgtype: 'text',
        text: { content: 'all' },
      }) as {
        msg_id: number;
      };
      api.finish(sent.msg_id);
      expect(audience.listMassJobs()[0]?.recipients.map((r) => r.openId)).toEqual(['oA', 'oB']);
    });

    it('finishes by itself after the configured delay', async () => {
      const quick = new WechatMassApiService(state, audience, { massSendJobDelayMs: 5 });
      const sent = quick.sendAll(
        q,
        JSON.stringify({ filter: { tag_id: 100 }, msgtype: 'text', text: { content: 'soon' } }),
      ) as { msg_id: number };
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(audience.getMassJob(account.appId, sent.msg_id)?.status).toBe('SEND_SUCCESS');
      quick.onModuleDestroy();
    });
  });
});
