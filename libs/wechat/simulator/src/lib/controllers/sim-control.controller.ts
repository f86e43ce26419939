import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
} from '@nestjs/common';

import { type SimAccount, validateAccountInput } from '../accounts';
import { controlError, isTruthyFlag, jsonObjectOf, queryParamsOf } from '../http-input';
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
  registerAccount(@Body() body: unknown): SimAccount {
    const result = validateAccountInput(jsonObjectOf(body));
    if (!result.ok) {
      throw controlError(
        HttpStatus.BAD_REQUEST,
        'VALIDATION_FAILED',
        'invalid account',
        result.problems,
      );
    }
    return this.state.upsertAccount(result.account);
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
