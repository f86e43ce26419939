import { parseArgs } from 'node:util';

import type {
  DeadLetterDetail,
  DeadLetterListing,
  ReplayResult,
  ReplaySelection,
} from '@wechat-desk/shared/messaging';

export const USAGE = `Usage: npm run dlq -- <command>

  list [service] [--limit N]        dead letters of one service (first N, default 50),
                                    or the count of every service's dead-letter queue
  show <service> <envelope-id>      one dead letter: envelope, properties, every header
  replay <service> <envelope-id>... back into the service's queue, confirmed, then removed
  replay <service> --all            every dead letter of the service, in order

  --json                            print JSON instead of text

Reads RABBITMQ_URL and MESSAGING_NAMESPACE like the services. list and show leave the queue as
it was; run one dlq command at a time.`;

export type DlqCommand =
  | { kind: 'help' }
  | { kind: 'list-all'; json: boolean }
  | { kind: 'list'; service: string; limit: number; json: boolean }
  | { kind: 'show'; service: string; envelopeId: string; json: boolean }
  | { kind: 'replay'; service: string; selection: ReplaySelection; json: boolean };

/** The command line could not be understood; the message says why (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseDlqCommand(argv: readonly string[]): DlqCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const json = values.json === true;
  const [verb, service, ...rest] = positionals;
  if (values.help === true || verb === undefined || verb === 'help') {
    return { kind: 'help' };
  }
  switch (verb) {
    case 'list': {
      if (rest.length > 0) {
        throw new UsageError(`list takes one service, not "${rest.join(' ')}"`);
      }
      if (values.all === true) {
        throw new UsageError('--all is for replay');
      }
      if (service === undefined) {
        return { kind: 'list-all', json };
      }
      return { kind: 'list', service, limit: parseLimit(values.limit), json };
    }
    case 'show': {
      const [envelopeId, ...extra] = rest;
      if (service === undefined || envelopeId === undefined || extra.length > 0) {
        throw new UsageError('show takes a service and one envelope id');
      }
      return { kind: 'show', service, envelopeId, json };
    }
    case 'replay': {
      if (service === undefined) {
        throw new UsageError('replay takes a service, then envelope ids or --all');
      }
      if (values.all === true && rest.length > 0) {
        throw new UsageError('replay takes envelope ids or --all, not both');
      }
      if (values.all !== true && rest.length === 0) {
        throw new UsageError('name the envelope ids to replay, or --all');
      }
      const selection: ReplaySelection =
        values.all === true ? { all: true } : { envelopeIds: [...new Set(rest)] };
      return { kind: 'replay', service, selection, json };
    }
    default:
      throw new UsageError(`unknown command "${verb}": list, show or replay`);
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      limit: { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) {
    return 50;
  }
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new UsageError(`--limit must be a whole number of at least 1, not "${value}"`);
  }
  return limit;
}

/** One row per service: its dead-letter queue and how many messages wait there. */
export function formatCounts(rows: ReadonlyArray<{ queue: string; count: number | null }>): string {
  const width = Math.max(...rows.map((row) => row.queue.length), 'queue'.length);
  return [
    `${'queue'.padEnd(width)}  dead letters`,
    ...rows.map(
      (row) => `${row.queue.padEnd(width)}  ${row.count === null ? 'no queue' : row.count}`,
    ),
  ].join('\n');
}

export function formatListing(listing: DeadLetterListing): string {
  const head = `${listing.queue}: ${listing.count} dead letter${listing.count === 1 ? '' : 's'}`;
  if (listing.messages.length === 0) {
    return head;
  }
  const rows = listing.messages.map((message) => [
    String(message.index),
    message.envelopeId ?? '(no id)',
    message.type ?? '(no type)',
    message.deadLetteredAt ?? '',
    message.reason ?? '',
    message.error ?? '',
  ]);
  const header = ['#', 'envelope id', 'type', 'dead-lettered at', 'reason', 'last error'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const shown =
    listing.messages.length < listing.count
      ? [`(first ${listing.messages.length}; --limit shows more)`]
      : [];
  return [head, line(header), ...rows.map(line), ...shown].join('\n');
}

export function formatDetail(detail: DeadLetterDetail): string {
  return [
    `${detail.queue} #${detail.index}: ${detail.envelopeId ?? '(no id)'}`,
    `type:             ${detail.type ?? '(no type)'}`,
    `dead-lettered at: ${detail.deadLetteredAt ?? '(unknown)'}`,
    `reason:           ${detail.reason ?? '(unknown)'}`,
    `last error:       ${detail.error ?? '(none)'}`,
    ...(detail.copies > 1 ? [`copies in queue:  ${detail.copies}`] : []),
    'properties:',
    indent(JSON.stringify(detail.properties, null, 2)),
    'headers:',
    indent(JSON.stringify(detail.headers, null, 2)),
    'envelope:',
    indent(
      typeof detail.envelope === 'string'
        ? detail.envelope
        : JSON.stringify(detail.envelope, null, 2),
    ),
  ].join('\n');
}

export function formatReplay(result: ReplayResult): string {
  return [
    `replayed ${result.replayed.length} from ${result.from} to ${result.to}:`,
    ...result.replayed.map(
      (entry) =>
        `  ${entry.envelopeId ?? `#${entry.index} (no id)`}  ${entry.type ?? ''}` +
        (entry.removedCopies > 1 ? `  (${entry.removedCopies} copies removed)` : ''),
    ),
    `${result.remaining} left in ${result.from}`,
  ].join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
