/** The WeChat API paths the simulator implements. */
export const WECHAT_PATHS = {
  stableToken: '/cgi-bin/stable_token',
  token: '/cgi-bin/token',
  customSend: '/cgi-bin/message/custom/send',
  mediaGet: '/cgi-bin/media/get',
  customTyping: '/cgi-bin/message/custom/typing',
  mediaUpload: '/cgi-bin/media/upload',
  tagsCreate: '/cgi-bin/tags/create',
  tagsGet: '/cgi-bin/tags/get',
  tagsDelete: '/cgi-bin/tags/delete',
  tagsBatchTagging: '/cgi-bin/tags/members/batchtagging',
  tagsBatchUntagging: '/cgi-bin/tags/members/batchuntagging',
  tagsIdList: '/cgi-bin/tags/getidlist',
  userTagGet: '/cgi-bin/user/tag/get',
  massSendAll: '/cgi-bin/message/mass/sendall',
  massSend: '/cgi-bin/message/mass/send',
  massGet: '/cgi-bin/message/mass/get',
} as const;
