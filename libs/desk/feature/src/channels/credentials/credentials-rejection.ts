import { HttpStatus } from '@nestjs/common';

import { DeskError } from '../../common/desk-error';

/** What WeChat answered when asked for an access token with the admin's credentials. */
export interface WechatRefusal {
  errcode: number;
  errmsg: string;
}

/** The address in WeChat's 40164 errmsg (`invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist`). */
export function ipSeenByWechat(errmsg: string): string | null {
  return /invalid ip ([0-9a-fA-F.:]+)/.exec(errmsg)?.[1] ?? null;
}

/**
 * Turns WeChat's refusal of a channel's credentials into a 422 the admin can act on, in words:
 * which value is wrong, or which addresses to add to the account's API IP whitelist.
 */
export function credentialsRejected(
  refusal: WechatRefusal,
  egressIps: readonly string[],
): DeskError {
  const details: Record<string, unknown> = { errcode: refusal.errcode };
  let message: string;
  let hint: string;
  switch (refusal.errcode) {
    case 40013:
      message = 'WeChat does not know this AppID: the AppID is not valid';
      hint =
        'Copy the AppID again from the WeChat admin (Settings and Development → Basic Configuration).';
      break;
    case 40001:
    case 40125:
      message = 'WeChat refused the AppSecret: the AppSecret is not valid';
      hint =
        'Was the AppSecret reset in the WeChat admin? Reset it there (Basic Configuration → AppSecret) and enter the new one.';
      break;
    case 40164: {
      const seen = ipSeenByWechat(refusal.errmsg);
      const addresses = [...new Set([...egressIps, ...(seen === null ? [] : [seen])])];
      details['egressAddresses'] = addresses;
      if (seen !== null) {
        details['ipSeenByWechat'] = seen;
      }
      message = `WeChat refused our server address${seen === null ? '' : ` ${seen}`}: it is not on the account's API IP whitelist`;
      hint =
        addresses.length > 0
          ? `Add ${addresses.join(', ')} to the API IP whitelist in the WeChat admin (Settings and Development → Basic Configuration), then try again.`
          : 'Add our server addresses to the API IP whitelist in the WeChat admin (Settings and Development → Basic Configuration), then try again.';
      break;
    }
    default:
      message = `WeChat refused the credentials (errcode ${refusal.errcode}: ${refusal.errmsg})`;
      hint = 'Check the AppID, the AppSecret and the account settings in the WeChat admin.';
  }
  details['hint'] = hint;
  return new DeskError(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'WECHAT_CREDENTIALS_REJECTED',
    message,
    details,
  );
}

export function wechatUnreachable(): DeskError {
  return new DeskError(
    HttpStatus.BAD_GATEWAY,
    'WECHAT_UNREACHABLE',
    'WeChat could not be reached to check the credentials; nothing was saved, try again later',
  );
}
