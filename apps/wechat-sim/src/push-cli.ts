import {
  PushTimeoutError,
  sendPush,
  textMessage,
  verifyCallbackUrl,
} from '@wechat-desk/wechat/push-client';

import { parsePushCliArgs, PUSH_CLI_USAGE, type PushCliCommand, UsageError } from './push-cli-args';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Exit codes: 0 all attempts answered 2xx (verify: echostr echoed), 1 otherwise, 2 usage error. */
export async function runPushCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let command: PushCliCommand;
  try {
    command = parsePushCliArgs(argv);
  } catch (error: unknown) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n\n${PUSH_CLI_USAGE}`);
      return 2;
    }
    throw error;
  }
  switch (command.kind) {
    case 'help':
      io.out(PUSH_CLI_USAGE);
      return 0;
    case 'verify':
      return runVerify(command, io);
    case 'push':
      return runPush(command, io);
  }
}

async function runVerify(
  command: Extract<PushCliCommand, { kind: 'verify' }>,
  io: CliIo,
): Promise<number> {
  try {
    const result = await verifyCallbackUrl(command.target, command.echostr, {
      timeoutMs: command.timeoutMs,
    });
    const verdict = result.accepted ? 'accepted' : `rejected (expected body ${result.echostr})`;
    io.out(
      `verify: HTTP ${result.status} in ${result.durationMs} ms, ${verdict}\n${result.body}\n`,
    );
    return result.accepted ? 0 : 1;
  } catch (error: unknown) {
    io.out(`verify: ${describeFailure(error)}\n`);
    return 1;
  }
}

async function runPush(
  command: Extract<PushCliCommand, { kind: 'push' }>,
  io: CliIo,
): Promise<number> {
  // Built once so every attempt carries the same MsgId and CreateTime, like WeChat's retries.
  const innerXml = textMessage(command.message);
  io.out(
    `push text MsgId=${command.message.msgId} mode=${command.target.mode} to ${command.target.callbackUrl}\n`,
  );
  let failures = 0;
  for (let attempt = 1; attempt <= command.times; attempt++) {
    const label = `attempt ${attempt}/${command.times}`;
    try {
      const result = await sendPush(command.target, innerXml, { timeoutMs: command.timeoutMs });
      io.out(`${label}: HTTP ${result.status} in ${result.durationMs} ms\n${result.body}\n`);
      if (result.status < 200 || result.status > 299) {
        failures++;
      }
    } catch (error: unknown) {
      io.out(`${label}: ${describeFailure(error)}\n`);
      failures++;
    }
  }
  return failures === 0 ? 0 : 1;
}

function describeFailure(error: unknown): string {
  if (error instanceof PushTimeoutError) {
    return `no response within ${error.timeoutMs} ms`;
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `request failed: ${error.message}${cause}`;
  }
  return `request failed: ${String(error)}`;
}

if (require.main === module) {
  runPushCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
