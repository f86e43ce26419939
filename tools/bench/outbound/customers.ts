import { PushGenerator, type BenchChannel } from '../ingress/pushes';
import type { PipelineSystem } from '../pipeline/system';
import { sendAtSteadyRate } from '../pipeline/steady-load';

export interface Customer {
  openId: string;
  ticketId: string;
}

/** How fast customers' first messages are pushed (the pipeline carries about 90 tickets/s here). */
const PUSH_RATE = 150;
const TICKETS_DEADLINE_MS = 90_000;
const INTERACTION_CONCURRENCY = 32;

/**
 * `count` customers who can be replied to: each pushes one text message through the ingress (a
 * contact, a message and a ticket; the desk's reply window opens) and is told to the simulator as
 * having written, which is what lets WeChat accept custom/send (5 sends per customer message).
 * `ticketOf` is filled from the live stream's ticket.created events.
 */
export async function createCustomers(
  system: PipelineSystem,
  channel: BenchChannel,
  count: number,
  ticketOf: ReadonlyMap<string, string>,
): Promise<Customer[]> {
  const pushes = new PushGenerator(channel, count, count).build().pushes;
  const sent = await sendAtSteadyRate(system.ingressUrl, pushes, PUSH_RATE);
  const refused = sent.filter((push) => push.status !== 200).length;
  if (refused > 0) {
    throw new Error(`${refused} of ${count} customers' pushes were not answered 200`);
  }
  const deadline = Date.now() + TICKETS_DEADLINE_MS;
  while (pushes.some((push) => !ticketOf.has(push.openId)) && Date.now() < deadline) {
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 200));
  }
  const customers = pushes.flatMap((push): Customer[] => {
    const ticketId = ticketOf.get(push.openId);
    return ticketId === undefined ? [] : [{ openId: push.openId, ticketId }];
  });
  if (customers.length < count) {
    throw new Error(
      `only ${customers.length} of ${count} tickets were announced within ${TICKETS_DEADLINE_MS / 1000} s`,
    );
  }
  await inBatches(customers, INTERACTION_CONCURRENCY, (customer) =>
    toldTheSimulator(system.simulatorUrl, channel.appId, customer.openId),
  );
  return customers;
}

async function toldTheSimulator(simulatorUrl: string, appId: string, openId: string) {
  const response = await fetch(
    `${simulatorUrl}/sim/accounts/${encodeURIComponent(appId)}/users/${encodeURIComponent(openId)}/interactions`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'message' }),
    },
  );
  if (response.status !== 200) {
    throw new Error(`the simulator refused the interaction of ${openId}: ${response.status}`);
  }
}

async function inBatches<T>(
  items: readonly T[],
  concurrency: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      if (item !== undefined) {
        await run(item);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}
