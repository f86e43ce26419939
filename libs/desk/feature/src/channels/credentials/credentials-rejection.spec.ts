import { HttpStatus } from '@nestjs/common';

import { credentialsRejected, ipSeenByWechat } from './credentials-rejection';

describe('credentialsRejected', () => {
  const egress = ['203.0.113.10', '203.0.113.11'];

  it('names the AppID for 40013', () => {
    const error = credentialsRejected({ errcode: 40013, errmsg: 'invalid appid' }, egress);
    expect(error.getStatus()).toBe(HttpStatus.UNPROCESSABLE_ENTITY);
    expect(error.code).toBe('WECHAT_CREDENTIALS_REJECTED');
    expect(error.message).toMatch(/AppID is not valid/);
    expect(error.details).toEqual({ errcode: 40013, hint: expect.stringMatching(/AppID/) });
  });

  it.each([40125, 40001])('names the AppSecret for %i and suggests it was reset', (errcode) => {
    const error = credentialsRejected({ errcode, errmsg: 'invalid appsecret' }, egress);
    expect(error.message).toMatch(/AppSecret is not valid/);
    expect(error.details).toEqual({ errcode, hint: expect.stringMatching(/reset/i) });
  });

  it('lists the egress addresses and the one WeChat saw for 40164', () => {
    const error = credentialsRejected(
      {
        errcode: 40164,
        errmsg: 'invalid ip 198.51.100.9 ipv6 ::ffff:198.51.100.9, not in whitelist rid: 1-2',
      },
      egress,
    );
    expect(error.message).toMatch(/198\.51\.100\.9.*API IP whitelist/);
    expect(error.details).toEqual({
      errcode: 40164,
      egressAddresses: ['203.0.113.10', '203.0.113.11', '198.51.100.9'],
      ipSeenByWechat: '198.51.100.9',
      hint: expect.stringContaining('203.0.113.10, 203.0.113.11, 198.51.100.9'),
    });
  });

  it('lists only the configured addresses when WeChat names none, without duplicates', () => {
    expect(
      credentialsRejected({ errcode: 40164, errmsg: 'not in whitelist' }, egress).details,
    ).toMatchObject({ egressAddresses: egress });
    expect(
      credentialsRejected(
        { errcode: 40164, errmsg: 'invalid ip 203.0.113.10 ipv6 ::ffff:203.0.113.10' },
        egress,
      ).details['egressAddresses'],
    ).toEqual(egress);
  });

  it('keeps any other code with WeChat words', () => {
    const error = credentialsRejected({ errcode: 48001, errmsg: 'api unauthorized' }, []);
    expect(error.message).toContain('48001');
    expect(error.details).toEqual({ errcode: 48001, hint: expect.any(String) });
  });

  it('reads the address out of the errmsg', () => {
    expect(ipSeenByWechat('invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist')).toBe(
      '1.2.3.4',
    );
    expect(ipSeenByWechat('invalid appid')).toBeNull();
  });
});
