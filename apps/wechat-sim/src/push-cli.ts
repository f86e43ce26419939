import {
  type PushAttempt,
  PushTimeoutError,
  registerSimMedia,
  sendPush,
  sendPushLikeWechat,
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
  const msgId = command.msgId === undefined ? '' : ` MsgId=${command.msgId}`;
  io.out(
    `push ${command.type}${msgId} mode=${command.target.mode} to ${command.target.callbackUrl}\n`,
  );
  if (command.simMedia !== undefined && !(await registerMedia(command.simMedia, io))) {
    return 1;
  }
  let failures = 0;
  for (let delivery = 1; delivery <= command.times; delivery++) {
    const label = `attempt ${delivery}/${command.times}`;
    const delivered = command.likeWechat
      ? await deliverLikeWechat(command, label, io)
      : await deliverOnce(command, label, io);
    if (!delivered) {
      failures++;
    }
  }
  return failures === 0 ? 0 : 1;
}

async function deliverOnce(
  command: Extract<PushCliCommand, { kind: 'push' }>,
  label: string,
  io: CliIo,
): Promise<boolean> {
  try {
    const result = await sendPush(command.target, command.innerXml, {
      timeoutMs: command.timeoutMs,
    });
    io.out(`${label}: HTTP ${result.status} in ${result.durationMs} ms\n${result.body}\n`);
    return result.status >= 200 && result.status <= 299;
  } catch (error: unknown) {
    io.out(`${label}: ${describeFailure(error)}\n`);
    return false;
  }
}

/** The push would point at media WeChat (the simulator) does not have: register it first. */
async function registerMedia(
  plan: NonNullable<Extract<PushCliCommand, { kind: 'push' }>['simMedia']>,
  io: CliIo,
): Promise<boolean> {
  for (const item of plan.items) {
    try {
      await registerSimMedia(plan.simUrl, { appId: plan.appId, ...item });
      io.out(`registered ${item.type} media ${item.mediaId} in the simulator\n`);
    } catch (error: unknown) {
      io.out(`registering ${item.type} media in the simulator: ${describeFailure(error)}\n`);
      return false;
    }
  }
  return true;
}

/** WeChat's own behaviour: the same bytes again until acknowledged or out of retries. */
async function deliverLikeWechat(
  command: Extract<PushCliCommand, { kind: 'push' }>,
  label: string,
  io: CliIo,
): Promise<boolean> {
  const delivery = await sendPushLikeWechat(command.target, command.innerXml, {
    timeoutMs: command.timeoutMs,
  });
  for (const attempt of delivery.attempts) {
    io.out(`${label}, copy ${attempt.attempt}: ${describeAttempt(attempt)}\n`);
  }
  io.out(`${label}: ${delivery.acknowledged ? 'acknowledged' : 'never acknowledged'}\n`);
  return delivery.acknowledged;
}

function describeAttempt(attempt: PushAttempt): string {
  switch (attempt.outcome) {
    case 'answered':
      return `HTTP ${attempt.status} in ${attempt.durationMs} ms${attempt.acknowledged ? '' : ' (not an acknowledgement)'}\n${attempt.body}`;
    case 'timeout':
      return `no response within ${attempt.timeoutMs} ms`;
    case 'failed':
      return `request failed: ${attempt.error}`;
  }
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
