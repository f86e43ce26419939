import { loadConfig } from '@wechat-desk/shared/config';
import {
  DeadLetterNotFoundError,
  DeadLetters,
  QueueNotFoundError,
  ReplayFailedError,
  UnknownServiceError,
} from '@wechat-desk/shared/messaging';

import {
  formatCounts,
  formatDetail,
  formatListing,
  formatReplay,
  parseDlqCommand,
  USAGE,
  UsageError,
  type DlqCommand,
} from './command';

/** Runs one command; resolves with what to print. */
async function run(command: Exclude<DlqCommand, { kind: 'help' }>): Promise<string> {
  const config = loadConfig();
  const deadLetters = await DeadLetters.connect({
    url: config.RABBITMQ_URL,
    namespace: config.MESSAGING_NAMESPACE,
  });
  const print = (value: unknown, text: (v: never) => string): string =>
    command.json ? JSON.stringify(value, null, 2) : text(value as never);
  try {
    switch (command.kind) {
      case 'list-all':
        return print(await deadLetters.counts(), formatCounts);
      case 'list':
        return print(
          await deadLetters.list(command.service, { limit: command.limit }),
          formatListing,
        );
      case 'show':
        return print(await deadLetters.show(command.service, command.envelopeId), formatDetail);
      case 'replay':
        return print(await deadLetters.replay(command.service, command.selection), formatReplay);
    }
  } finally {
    await deadLetters.close();
  }
}

async function main(): Promise<number> {
  let command: DlqCommand;
  try {
    command = parseDlqCommand(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`dlq: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    process.stdout.write(`${await run(command)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ReplayFailedError && error.replayed.length > 0) {
      process.stderr.write(
        `dlq: replayed before the failure: ${error.replayed.map((entry) => entry.envelopeId ?? `#${entry.index}`).join(', ')}\n`,
      );
    }
    const known =
      error instanceof UnknownServiceError ||
      error instanceof QueueNotFoundError ||
      error instanceof DeadLetterNotFoundError ||
      error instanceof ReplayFailedError;
    process.stderr.write(
      `dlq: ${error instanceof Error ? (known ? error.message : String(error)) : String(error)}\n`,
    );
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`dlq: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
