import { type DynamicModule, Module } from '@nestjs/common';

import { SIMULATOR_CLOCK, systemClock } from './clock';
import { HealthController } from './controllers/health.controller';
import { SimControlController } from './controllers/sim-control.controller';
import { WechatApiController } from './controllers/wechat-api.controller';
import { WechatMassApiController } from './controllers/wechat-mass-api.controller';
import { SIMULATOR_OPTIONS, type WechatSimulatorOptions } from './options';
import { SimulatorStateService } from './simulator-state.service';
import { AudienceStateService } from './audience-state.service';
import { WechatApiService } from './wechat-api.service';
import { WechatMassApiService } from './wechat-mass-api.service';

/**
 * An in-memory stand-in for api.weixin.qq.com (tokens, custom send and typing with WeChat's sending rules, media, tags, mass sends) plus a `/sim`
 * control API. Needs the raw-body parser of `createWechatSimulatorApp` to record bodies verbatim.
 */
@Module({})
export class WechatSimulatorModule {
  static forRoot(options: WechatSimulatorOptions = {}): DynamicModule {
    return {
      module: WechatSimulatorModule,
      controllers: [
        WechatApiController,
        WechatMassApiController,
        SimControlController,
        HealthController,
      ],
      providers: [
        { provide: SIMULATOR_OPTIONS, useValue: options },
        { provide: SIMULATOR_CLOCK, useValue: options.clock ?? systemClock },
        SimulatorStateService,
        AudienceStateService,
        WechatApiService,
        WechatMassApiService,
      ],
      exports: [SimulatorStateService, AudienceStateService, WechatMassApiService],
    };
  }
}
