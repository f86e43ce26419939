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
  Res,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { type SimAccount, validateAccountInput } from '../accounts';
import { AudienceStateService, type Delivery, type MassJob } from '../audience-state.service';
import { controlError, isTruthyFlag, jsonObjectOf, queryParamsOf } from '../http-input';
import { validateIpWhitelist } from '../ip-whitelist';
import { MEDIA_ID_PATTERN, validateMediaFault, validateMediaInput } from '../media';
import { WECHAT_PATHS } from '../paths';
import {
  type IssuedToken,
  type RecordedCall,
  SimulatorStateService,
} from '../simulator-state.service';
import { userView, validateInteraction } from '../users';
import { WechatMassApiService } from '../wechat-mass-api.service';

interface Items<T> {
  items: T[];
}

/** The simulator's own API for tests and operators (not WeChat's). */
@Controller('sim')
export class SimControlController {
  constructor(
    private readonly state: SimulatorStateService,
    private readonly audience: AudienceStateService,
    private readonly mass: WechatMassApiService,
  ) {}

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

  /**
   * `{"kind": message|follow|unfollow|menu|scan, "at"?: ISO}`: what the user did, as WeChat would
   * have pushed it (default: the simulator's now). Answers the user's state.
   */
  @Post('accounts/:appId/users/:openId/interactions')
  @HttpCode(HttpStatus.OK)
  recordInteraction(
    @Param('appId') appId: string,
    @Param('openId') openId: string,
    @Body() body: unknown,
  ): Record<string, unknown> {
    this.requireAccount(appId);
    const input = validateInteraction(jsonObjectOf(body), this.state.now());
    if (!input.ok) {
      throw controlError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'invalid interaction', {
        ...input.problems,
      });
    }
    const user = this.audience.recordInteraction(appId, openId, input.kind, input.atMs);
    return userView(user, this.state.now());
  }

  /** Following, last message and prompt, the windows now, and the counts of what was sent. */
  @Get('accounts/:appId/users/:openId')
  getUser(@Param('appId') appId: string, @Param('openId') openId: string): Record<string, unknown> {
    this.requireAccount(appId);
    const user = this.audience.getUser(appId, openId);
    if (user === undefined) {
      throw controlError(HttpStatus.NOT_FOUND, 'USER_NOT_FOUND', `no user ${openId} of ${appId}`);
    }
    return userView(user, this.state.now());
  }

  @Get('accounts/:appId/users')
  listUsers(@Param('appId') appId: string): Items<Record<string, unknown>> {
    this.requireAccount(appId);
    const now = this.state.now();
    return { items: this.audience.listUsers(appId).map((user) => userView(user, now)) };
  }

  /** `{"seconds": N}` (N ≥ 0): moves the simulator's clock forward, for windows and expiries. */
  @Post('clock/advance')
  @HttpCode(HttpStatus.OK)
  advanceClock(@Body() body: unknown): { now: string; offsetSeconds: number } {
    const seconds = jsonObjectOf(body)['seconds'];
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw controlError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'invalid advance', {
        seconds: 'must be a number of seconds ≥ 0',
      });
    }
    this.state.advanceClock(seconds);
    return this.getClock();
  }

  @Get('clock')
  getClock(): { now: string; offsetSeconds: number } {
    return {
      now: new Date(this.state.now()).toISOString(),
      offsetSeconds: this.state.clockOffsetSeconds(),
    };
  }

  /** Everything each user received (custom and mass messages), in order; `?appId=&openId=`. */
  @Get('deliveries')
  listDeliveries(@Query() query: unknown): Items<Delivery> {
    const { appId, openId } = queryParamsOf(query);
    return { items: this.audience.listDeliveries({ appId, openId }) };
  }

  /** custom/typing calls; `?appId=&touser=`, accepted only unless `?all=1`. */
  @Get('typing')
  listTyping(@Query() query: unknown): Items<RecordedCall> {
    const { appId, touser, all } = queryParamsOf(query);
    return {
      items: this.state.listMessageCalls(WECHAT_PATHS.customTyping, {
        appId,
        touser,
        all: isTruthyFlag(all),
      }),
    };
  }

  /** Mass jobs with recipients, content, status, MASSSENDJOBFINISH counts and callback; `?appId=`. */
  @Get('mass-sends')
  listMassSends(@Query() query: unknown): Items<MassJob> {
    return { items: this.audience.listMassJobs(queryParamsOf(query)['appId']) };
  }

  /** Finishes a job still SENDING now, instead of after the configured delay. */
  @Post('mass-sends/:msgId/finish')
  @HttpCode(HttpStatus.OK)
  async finishMassSend(@Param('msgId') msgId: string): Promise<MassJob> {
    const id = Number(msgId);
    const job = this.audience.listMassJobs().find((candidate) => candidate.msgId === id);
    if (job === undefined) {
      throw controlError(HttpStatus.NOT_FOUND, 'MASS_SEND_NOT_FOUND', `no mass send ${msgId}`);
    }
    this.mass.finish(id);
    // The answer includes the callback's outcome when there is one.
    await this.mass.settled();
    return this.audience.listMassJobs().find((candidate) => candidate.msgId === id) ?? job;
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

  /**
   * Registers media a customer "sent": `{appId, type: image|voice|video|thumb, contentType,
   * base64, mediaId?}` → `{mediaId}`, then answered by `GET /cgi-bin/media/get` for 3 days.
   */
  @Post('media')
  @HttpCode(HttpStatus.CREATED)
  registerMedia(@Body() body: unknown): {
    mediaId: string;
    appId: string;
    type: string;
    size: number;
  } {
    const result = validateMediaInput(jsonObjectOf(body));
    if (!result.ok) {
      throw controlError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'invalid media', {
        ...result.problems,
      });
    }
    if (!this.state.getAccount(result.value.appId)) {
      throw controlError(
        HttpStatus.NOT_FOUND,
        'ACCOUNT_NOT_FOUND',
        `no account ${result.value.appId}`,
      );
    }
    const media = this.state.registerMedia(result.value);
    return {
      mediaId: media.mediaId,
      appId: media.appId,
      type: media.type,
      size: media.bytes.length,
    };
  }

  /**
   * `{failNext: n, mode: http-500|system-busy|timeout|expired, delayMs?}`: the next n media/get
   * calls for this id fail that way (timeout holds the answer `delayMs`, default 15 s).
   */
  @Post('media/:mediaId/faults')
  @HttpCode(HttpStatus.OK)
  setMediaFault(
    @Param('mediaId') mediaId: string,
    @Body() body: unknown,
  ): { mediaId: string; mode: string; failNext: number } {
    if (!MEDIA_ID_PATTERN.test(mediaId) || this.state.getMedia(mediaId) === undefined) {
      throw controlError(HttpStatus.NOT_FOUND, 'MEDIA_NOT_FOUND', `no media ${mediaId}`);
    }
    const result = validateMediaFault(jsonObjectOf(body));
    if (!result.ok) {
      throw controlError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'invalid fault', {
        ...result.problems,
      });
    }
    this.state.setMediaFault(mediaId, result.value);
    return { mediaId, mode: result.value.mode, failNext: result.value.remaining };
  }

  /** The bytes behind a video's `video_url` (WeChat serves them from a CDN, without a token). */
  @Get('video-files/:mediaId')
  videoFile(
    @Param('mediaId') mediaId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Buffer {
    const media = this.state.getMedia(mediaId);
    if (media === undefined || media.type !== 'video') {
      throw controlError(HttpStatus.NOT_FOUND, 'MEDIA_NOT_FOUND', `no video ${mediaId}`);
    }
    reply.header('Content-Type', media.contentType);
    return media.bytes;
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

  /** Clears accounts, tokens, calls, users, tags, deliveries, mass jobs and the clock's advance; `?keepAccounts=1` keeps the accounts. */
  @Delete('state')
  @HttpCode(HttpStatus.NO_CONTENT)
  reset(@Query() query: unknown): void {
    this.state.reset({ keepAccounts: isTruthyFlag(queryParamsOf(query)['keepAccounts']) });
    this.audience.reset();
  }

  private requireAccount(appId: string): void {
    if (!this.state.getAccount(appId)) {
      throw controlError(HttpStatus.NOT_FOUND, 'ACCOUNT_NOT_FOUND', `no account ${appId}`);
    }
  }
}
