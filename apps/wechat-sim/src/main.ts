import 'reflect-metadata';

import { Logger } from '@nestjs/common';

import { createWechatSimulatorApp } from '@wechat-desk/wechat/simulator';

import { AppModule } from './app.module';

const DEFAULT_PORT = 8090;
const DEFAULT_HOST = '127.0.0.1';

function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') {
    return DEFAULT_PORT;
  }
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`WECHAT_SIM_PORT must be a port number, got ${JSON.stringify(value)}`);
  }
  return port;
}

async function bootstrap(): Promise<void> {
  const port = portFromEnv(process.env['WECHAT_SIM_PORT']);
  const host = process.env['WECHAT_SIM_HOST'] || DEFAULT_HOST;
  const app = await createWechatSimulatorApp(AppModule);
  app.enableShutdownHooks();
  await app.listen({ port, host });
  new Logger('WechatSim').log(`WeChat simulator listening on ${await app.getUrl()}`);
}

bootstrap().catch((error: unknown) => {
  console.error('WeChat simulator failed to start', error);
  process.exit(1);
});
