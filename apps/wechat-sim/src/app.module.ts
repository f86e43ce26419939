import { Module } from '@nestjs/common';

import { simulatorOptionsFromEnv, WechatSimulatorModule } from '@wechat-desk/wechat/simulator';

@Module({
  imports: [WechatSimulatorModule.forRoot(simulatorOptionsFromEnv(process.env))],
})
export class AppModule {}
