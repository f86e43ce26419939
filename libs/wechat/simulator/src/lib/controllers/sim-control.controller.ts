import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';

import { type SimAccount, validateAccountInput } from '../accounts';
import { controlError, isTruthyFlag, jsonObjectOf, queryParamsOf } from '../http-input';
import { validateIpWhitelist } from '../ip-whitelist';
import {
  type IssuedToken,
  type RecordedCall,
  SimulatorStateService,
} from '../simulator-state.service';

interface Items<T> {
  items: T[];
}

/** The simulator's own API for tests and operators (not WeChat's). */
@Controller('sim')
export class SimControlController {
  constructor(private readonly state: SimulatorStateService) {}

  @Post('accounts')
  @HttpCode(HttpStatus.CREATED)
  registerAccount(@Body() body: unknown): SimAccount & { ipWhitelist?: string[] } {
    const fields = jsonObjectOf(body);
    const result = validateAccountInput(fields);
    const whitelist =
      fields['ipWhitelist'] === undefined ? undefined : validateIpWhitelist(fields['ipWhitelist']);
    if (!result.ok || whitelist?.ok === false) {
      throw controlError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'invalid account', {
        ...(result.ok ? {} : result.problems),
        ...(whitelist?.ok === false ? { ipWhitelist: whitelist.problem } : {}),
      });
    }
    const account = this.state.upsertAccount(result.account);
    if (whitelist === undefined) {
      return account;
    }
    return { ...account, ipWhitelist: this.state.setIpWhitelist(account.appId, whitelist.ips) };
  }

  /** `{"ips": ["203.0.113.7"]}`: the account's API IP whitelist; `[]` lifts it. */
  @Put('accounts/:appId/ip-whitelist')
  setIpWhitelist(
    @Param('appId') appId: string,
    @Body() body: unknown,
  ): { appId: string; ips: string[] } {
    if (!this.state.getAccount(appId)) {
      throw controlError(HttpStatus.NOT_FOUND, 'ACCOUNT_NOT_FOUND', `no account ${appId}`);
    }
    const whitelist = validateIpWhitelist(jsonObjectOf(body)['ips']);
    if (!whitelist.ok) {
      throw controlError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'invalid whitelist', {
        ips: whitelist.problem,
      });
    }
    return { appId, ips: this.state.setIpWhitelist(appId, whitelist.ips) };
  }

  @Get('accounts/:appId/ip-whitelist')
  getIpWhitelist(@Param('appId') appId: string): { appId: string; ips: string[] } {
    if (!this.state.getAccount(appId)) {
      throw controlError(HttpStatus.NOT_FOUND, 'ACCOUNT_NOT_FOUND', `no account ${appId}`);
    }
    return { appId, ips: this.state.getIpWhitelist(appId) };
  }

  @Get('accounts')
  listAccounts(): Items<SimAccount> {
    return { items: this.state.listAccounts() };
  }

  @Post('accounts/:appId/expire-tokens')
  @HttpCode(HttpStatus.OK)
  expireTokens(@Param('appId') appId: string): { appId: string; expired: number } {
    if (!this.state.getAccount(appId)) {
      throw controlError(HttpStatus.NOT_FOUND, 'ACCOUNT_NOT_FOUND', `no account ${appId}`);
    }
    return { appId, expired: this.state.expireTokens(appId) };
  }

  /** `?appId=&touser=`; accepted sends only unless `?all=1`. */
  @Get('custom-messages')
  listCustomMessages(@Query() query: unknown): Items<RecordedCall> {
    const { appId, touser, all } = queryParamsOf(query);
    return {
      items: this.state.listCustomMessages({ appId, touser, all: isTruthyFlag(all) }),
    };
  }

  /** Every recorded WeChat API call, token calls included; `?path=/cgi-bin/token&appId=`. */
  @Get('calls')
  listCalls(@Query() query: unknown): Items<RecordedCall> {
    const { path, appId } = queryParamsOf(query);
    return { items: this.state.listCalls({ path, appId }) };
  }

  @Get('tokens')
  listTokens(@Query() query: unknown): Items<IssuedToken> {
    return { items: this.state.listTokens(queryParamsOf(query)['appId']) };
  }

  /** Clears accounts, tokens and calls; `?keepAccounts=1` keeps the accounts. */
  @Delete('state')
  @HttpCode(HttpStatus.NO_CONTENT)
  reset(@Query() query: unknown): void {
    this.state.reset({ keepAccounts: isTruthyFlag(queryParamsOf(query)['keepAccounts']) });
  }
}
