import * as api from './index';

describe('@wechat-desk/shared/reply-policy', () => {
  it('exports exactly the public API', () => {
    expect(Object.keys(api).sort()).toEqual([
      'DEFAULT_QUOTA_TIME_ZONE',
      'DEFAULT_REPLY_POLICY',
      'NO_SENDS_YET',
      'REPLY_POLICY_NAMES',
      'decideReply',
      'isValidTimeZone',
      'laterOf',
      'monthKey',
      'replyPolicyRules',
      'replyRefusalCode',
      'replyWindowState',
      'replyWindowView',
    ]);
  });
});
