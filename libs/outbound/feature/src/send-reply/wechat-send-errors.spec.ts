import { classifySendRefusal } from './wechat-send-errors';

describe(classifySendRefusal.name, () => {
  it.each([
    [45015, 'REPLY_WINDOW_CLOSED', true],
    [45047, 'WINDOW_SEND_LIMIT_REACHED', true],
    [43004, 'CUSTOMER_NOT_FOLLOWING', false],
    [48002, 'CUSTOMER_BLOCKED_MESSAGES', false],
    [40003, 'UNKNOWN_CUSTOMER', false],
    [45002, 'CONTENT_TOO_LONG', false],
    [40007, 'MEDIA_EXPIRED', false],
  ])('turns %i into %s (closes the window: %s)', (errcode, code, closesWindow) => {
    const refusal = classifySendRefusal(errcode, 'whatever');
    expect(refusal).toMatchObject({ code, closesWindow, retryLater: false });
    expect(refusal.message).toMatch(/^WeChat refused/);
    expect(refusal.message).not.toContain('whatever');
  });

  it.each([-1, 45009, 45011])('asks to try %i again later, nothing having been sent', (errcode) => {
    expect(classifySendRefusal(errcode, 'busy')).toMatchObject({
      code: 'WECHAT_BUSY',
      retryLater: true,
      closesWindow: false,
    });
  });

  it('keeps an unknown code and WeChat’s words', () => {
    expect(classifySendRefusal(45162, 'invalid type')).toEqual({
      code: 'WECHAT_REFUSED',
      message: 'WeChat refused the message (45162: invalid type).',
      closesWindow: false,
      retryLater: false,
    });
  });
});
