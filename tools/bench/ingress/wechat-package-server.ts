import express from 'express';
import wechat from 'wechat';

import { requiredEnv } from './server-env';

/**
 * Target (c): what a Node developer would pick, node-webot's `wechat` express middleware in
 * secure mode. It checks msg_signature, decrypts and parses (xml2js); it publishes nothing and
 * acknowledges with the empty reply.
 */

const port = Number(requiredEnv('BENCH_PORT'));
const app = express();
app.get('/health', (_req, res) => {
  res.send('ok');
});
app.use(
  '/wechat',
  wechat(
    {
      token: requiredEnv('BENCH_TOKEN'),
      appid: requiredEnv('BENCH_APP_ID'),
      encodingAESKey: requiredEnv('BENCH_ENCODING_AES_KEY'),
    },
    (_req, res) => res.reply(''),
  ),
);
const server = app.listen(port, '127.0.0.1', () =>
  process.stdout.write(`wechat (express) listening on ${port}\n`),
);
server.keepAliveTimeout = 65_000;
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
