import { randomUUID } from 'node:crypto';

import { Client } from 'pg';
import type { DataSource } from 'typeorm';

import {
  ConversationRepository,
  conversationMigrations,
} from '@wechat-desk/conversation/data-access';
import {
  createEnvelope,
  parseEnvelope,
  RoutingKeys,
  validateEventData,
  wechatEventDedupeKey,
  type EventEnvelope,
  type InboundEventRoutingKey,
  type InboundMessageRoutingKey,
  type WechatInboundEvent,
  type WechatInboundMessage,
  type WechatTextMessageV1,
} from '@wechat-desk/contracts';
import { createServiceDataSource, migrateAll } from '@wechat-desk/shared/persistence';
import { createTestDatabase, type TestDatabase } from '@wechat-desk/shared/testing';

import { RecordInboundEvent } from '../record-inbound-event/record-inbound-event';
import { RecordInboundMessage } from './record-inbound-message';

/**
 * RecordInboundMessage and RecordInboundEvent against a real PostgreSQL database migrated with the
 * conversation service's own migrations: WeChat retries and broker redeliveries (sequential and
 * concurrent, on separate connections) leave exactly one message, one contact and one event.
 */

const CHANNEL_A = randomUUID();
const CHANNEL_B = randomUUID();
/** Above 2^53: a JavaScript number would round it to 7250021412600021000. */
const BIG_MSG_ID = '7250021412600020992';
const BASE_TIME = 1_764_000_000; // unix seconds

let db: TestDatabase;
let dataSource: DataSource;
let observer: Client;
let recordMessage: RecordInboundMessage;
let recordEvent: RecordInboundEvent;

beforeAll(async () => {
  db = await createTestDatabase('conversation_record');
  await migrateAll(db.url, [{ schema: 'conversation', migrations: conversationMigrations }]);
  dataSource = await createServiceDataSource({
    databaseUrl: db.url,
    schema: 'conversation',
    entities: [],
    migrations: [],
    applicationName: 'conversation-int-spec',
    poolSize: 10,
  }).initialize();
  const repository = new ConversationRepository(dataSource);
  recordMessage = new RecordInboundMessage(repository);
  recordEvent = new RecordInboundEvent(repository);
  observer = new Client({ connectionString: db.url });
  await observer.connect();
});

afterAll(async () => {
  await observer?.end().catch(() => undefined);
  if (dataSource?.isInitialized) {
    await dataSource.destroy();
  }
  await db?.drop();
});

/** A text message as the ingress publishes it, validated against the contract like the consumer does. */
function inboundMessage(
  overrides: Partial<WechatTextMessageV1> & { openId: string; msgId: string },
): WechatTextMessageV1 {
  return validateEventData(RoutingKeys.wechatMessageText, {
    channelId: CHANNEL_A,
    originalId: 'gh_0123456789ab',
    createTime: BASE_TIME,
    msgType: 'text',
    content: `hello ${overrides.msgId}`,
    ...overrides,
  });
}

/** Any other inbound message, by its key. */
function typedMessage(
  key: InboundMessageRoutingKey,
  fields: { openId: string; msgId: string; msgType: string } & Record<string, unknown>,
): WechatInboundMessage {
  return validateEventData(key, {
    channelId: CHANNEL_A,
    originalId: 'gh_0123456789ab',
    createTime: BASE_TIME,
    ...fields,
  });
}

function inboundEvent(
  key: InboundEventRoutingKey,
  fields: { openId: string; event: string; createTime: number; dedupeKeyPart?: string } & Record<
    string,
    unknown
  >,
): WechatInboundEvent {
  const { dedupeKeyPart, ...payload } = fields;
  return validateEventData(key, {
    channelId: CHANNEL_A,
    originalId: 'gh_0123456789ab',
    dedupeKey: wechatEventDedupeKey(
      CHANNEL_A,
      fields.openId,
      fields.createTime,
      fields.event,
      dedupeKeyPart ?? '',
    ),
    ...payload,
  });
}

const subscribe = (openId: string, createTime: number): WechatInboundEvent =>
  inboundEvent(RoutingKeys.wechatEventSubscribe, { openId, event: 'subscribe', createTime });
const unsubscribe = (openId: string, createTime: number): WechatInboundEvent =>
  inboundEvent(RoutingKeys.wechatEventUnsubscribe, { openId, event: 'unsubscribe', createTime });

/** Records an event as the consumer does, in its envelope (each redelivery carries the same one). */
const eventCauses = new Map<string, EventEnvelope>();
function deliverEvent(event: WechatInboundEvent): Promise<void> {
  const cause =
    eventCauses.get(event.dedupeKey) ??
    createEnvelope(RoutingKeys.wechatEventSubscribe, event, {
      correlationId: `corr-${randomUUID()}`,
    });
  eventCauses.set(event.dedupeKey, cause);
  return recordEvent.execute(event, cause);
}

/** The envelope the message arrived in (each redelivery carries the same one). */
function causeOf(payload: object): EventEnvelope {
  return createEnvelope(RoutingKeys.wechatMessageText, payload, {
    correlationId: `corr-${randomUUID()}`,
  });
}

interface MessageRow {
  id: string;
  channel_id: string;
  contact_id: string;
  direction: string;
  type: string;
  text: string | null;
  wechat_msg_id: string;
  sent_at: Date;
  fields: Record<string, unknown>;
}

interface ContactRow {
  id: string;
  channel_id: string;
  open_id: string;
  following: boolean | null;
  last_interaction_at: Date;
}

interface OutboxRow {
  event_id: string;
  routing_key: string;
  envelope: EventEnvelope<Record<string, unknown>>;
}

async function messagesOf(openId: string): Promise<MessageRow[]> {
  const { rows } = await observer.query<MessageRow>(
    `SELECT m.* FROM conversation.messages m JOIN conversation.contacts c ON c.id = m.contact_id
      WHERE c.open_id = $1 ORDER BY m.sent_at, m.wechat_msg_id, m.channel_id`,
    [openId],
  );
  return rows;
}

async function contactsOf(openId: string): Promise<ContactRow[]> {
  const { rows } = await observer.query<ContactRow>(
    'SELECT * FROM conversation.contacts WHERE open_id = $1 ORDER BY channel_id',
    [openId],
  );
  return rows;
}

/** The user's outbox rows of one kind (message.recorded unless told otherwise). */
async function outboxOf(
  openId: string,
  routingKey: string = RoutingKeys.conversationMessageRecorded,
): Promise<OutboxRow[]> {
  const { rows } = await observer.query<OutboxRow>(
    `SELECT event_id, routing_key, envelope FROM conversation.outbox
      WHERE envelope->'data'->>'openId' = $1 AND routing_key = $2 ORDER BY position`,
    [openId, routingKey],
  );
  return rows;
}

/** Everything the user's pushes put in the outbox, by routing key. */
async function allOutboxOf(openId: string): Promise<OutboxRow[]> {
  const { rows } = await observer.query<OutboxRow>(
    `SELECT event_id, routing_key, envelope FROM conversation.outbox
      WHERE envelope->'data'->>'openId' = $1 ORDER BY position`,
    [openId],
  );
  return rows;
}

async function eventsOf(openId: string): Promise<Array<{ dedupe_key: string; event: string }>> {
  const rows = await eventRowsOf(openId);
  return rows.map(({ dedupe_key, event }) => ({ dedupe_key, event }));
}

interface EventRow {
  dedupe_key: string;
  event: string;
  event_key: string | null;
  fields: Record<string, unknown>;
}

async function eventRowsOf(openId: string): Promise<EventRow[]> {
  const { rows } = await observer.query<EventRow>(
    `SELECT e.dedupe_key, e.event, e.event_key, e.fields FROM conversation.events e
       JOIN conversation.contacts c ON c.id = e.contact_id WHERE c.open_id = $1
      ORDER BY e.occurred_at, e.dedupe_key`,
    [openId],
  );
  return rows;
}

/** The one conversation.message.recorded.v1 row must describe exactly this message and contact. */
function expectRecordedEvent(
  row: OutboxRow,
  message: MessageRow,
  contact: ContactRow,
  pushed: WechatInboundMessage,
  cause: EventEnvelope,
): void {
  expect(row.routing_key).toBe(RoutingKeys.conversationMessageRecorded);
  expect(row.event_id).toBe(row.envelope.id);
  // The consumer (ticketing) validates every envelope: this one must pass.
  expect(() => parseEnvelope(row.envelope)).not.toThrow();
  expect(row.envelope).toMatchObject({
    type: RoutingKeys.conversationMessageRecorded,
    correlationId: cause.correlationId,
    causationId: cause.id,
  });
  expect(row.envelope.data).toEqual({
    messageId: message.id,
    channelId: pushed.channelId,
    contactId: contact.id,
    openId: pushed.openId,
    direction: 'in',
    type: pushed.msgType,
    text: 'content' in pushed ? pushed.content : undefined,
    sentAt: new Date(pushed.createTime * 1000).toISOString(),
    wechatMsgId: pushed.msgId,
  });
}

describe('RecordInboundMessage', () => {
  it('records a message delivered 3 times once: one row, one contact, one outbox event; the 64-bit MsgId kept exactly', async () => {
    const openId = 'oSequential_user_0001';
    const pushed = inboundMessage({ openId, msgId: BIG_MSG_ID, content: '你好，我的订单呢？' });
    const cause = causeOf(pushed);

    for (let delivery = 0; delivery < 3; delivery += 1) {
      await recordMessage.execute(pushed, cause);
    }

    const contacts = await contactsOf(openId);
    expect(contacts).toHaveLength(1);
    const [contact] = contacts;
    expect(contact).toMatchObject({ channel_id: CHANNEL_A, open_id: openId, following: null });
    expect(contact.last_interaction_at.toISOString()).toBe(
      new Date(BASE_TIME * 1000).toISOString(),
    );

    const messages = await messagesOf(openId);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message).toMatchObject({
      channel_id: CHANNEL_A,
      contact_id: contact.id,
      direction: 'in',
      type: 'text',
      text: '你好，我的订单呢？',
      wechat_msg_id: BIG_MSG_ID,
      // The typed payload without the header the row has in its own columns.
      fields: { msgId: BIG_MSG_ID, msgType: 'text', content: '你好，我的订单呢？' },
    });
    expect(message.sent_at.toISOString()).toBe(new Date(BASE_TIME * 1000).toISOString());
    // Stored as text, digit for digit (no float rounding anywhere on the way).
    const { rows: typed } = await observer.query<{ kind: string; exact: boolean }>(
      `SELECT pg_typeof(wechat_msg_id)::text AS kind, wechat_msg_id = $2 AS exact
         FROM conversation.messages WHERE id = $1`,
      [message.id, BIG_MSG_ID],
    );
    expect(typed).toEqual([{ kind: 'text', exact: true }]);

    const outbox = await outboxOf(openId);
    expect(outbox).toHaveLength(1);
    expectRecordedEvent(outbox[0], message, contact, pushed, cause);
    expect(outbox[0].envelope.data['wechatMsgId']).toBe(BIG_MSG_ID);
  });

  it('records a message delivered 5 times concurrently (first contact too) exactly once', async () => {
    const openId = 'oConcurrent_user_0002';
    const pushed = inboundMessage({
      openId,
      msgId: '7250021412600020993',
      createTime: BASE_TIME + 5,
    });
    const cause = causeOf(pushed);

    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => recordMessage.execute(pushed, cause)),
    );
    expect(results.map((result) => result.status)).toEqual(Array(5).fill('fulfilled'));

    const contacts = await contactsOf(openId);
    expect(contacts).toHaveLength(1);
    const messages = await messagesOf(openId);
    expect(messages).toHaveLength(1);
    expect(messages[0].contact_id).toBe(contacts[0].id);
    const outbox = await outboxOf(openId);
    expect(outbox).toHaveLength(1);
    expectRecordedEvent(outbox[0], messages[0], contacts[0], pushed, cause);
  });

  it('threads a second MsgId of the same user into the same contact as a second message', async () => {
    const openId = 'oTwo_messages_user_03';
    const first = inboundMessage({ openId, msgId: '7250021412600030001', createTime: BASE_TIME });
    const second = inboundMessage({
      openId,
      msgId: '7250021412600030002',
      createTime: BASE_TIME + 60,
      content: 'second',
    });
    const firstCause = causeOf(first);
    const secondCause = causeOf(second);

    await recordMessage.execute(first, firstCause);
    await recordMessage.execute(second, secondCause);
    await recordMessage.execute(first, firstCause); // a late redelivery of the first

    const contacts = await contactsOf(openId);
    expect(contacts).toHaveLength(1);
    // The latest CreateTime wins, whatever the delivery order.
    expect(contacts[0].last_interaction_at.toISOString()).toBe(
      new Date((BASE_TIME + 60) * 1000).toISOString(),
    );
    const messages = await messagesOf(openId);
    expect(messages.map((m) => m.wechat_msg_id)).toEqual([first.msgId, second.msgId]);
    expect(new Set(messages.map((m) => m.contact_id))).toEqual(new Set([contacts[0].id]));

    const outbox = await outboxOf(openId);
    expect(outbox).toHaveLength(2);
    expectRecordedEvent(outbox[0], messages[0], contacts[0], first, firstCause);
    expectRecordedEvent(outbox[1], messages[1], contacts[0], second, secondCause);
  });

  it('keeps the same MsgId on another channel as a separate message (dedupe is per channel)', async () => {
    const openId = 'oTwo_channels_user_04';
    const msgId = '7250021412600040004';
    const onA = inboundMessage({ openId, msgId, channelId: CHANNEL_A });
    const onB = inboundMessage({ openId, msgId, channelId: CHANNEL_B });

    await Promise.all([
      recordMessage.execute(onA, causeOf(onA)),
      recordMessage.execute(onB, causeOf(onB)),
    ]);
    await recordMessage.execute(onB, causeOf(onB)); // and a retry on B changes nothing

    const contacts = await contactsOf(openId);
    expect(contacts.map((c) => c.channel_id).sort()).toEqual([CHANNEL_A, CHANNEL_B].sort());
    const messages = await messagesOf(openId);
    expect(messages).toHaveLength(2);
    expect(messages.map((m) => m.wechat_msg_id)).toEqual([msgId, msgId]);
    expect(messages.map((m) => m.channel_id).sort()).toEqual([CHANNEL_A, CHANNEL_B].sort());
    for (const message of messages) {
      const contact = contacts.find((c) => c.channel_id === message.channel_id);
      expect(message.contact_id).toBe(contact!.id);
    }
    const outbox = await outboxOf(openId);
    expect(outbox.map((row) => row.envelope.data['channelId']).sort()).toEqual(
      [CHANNEL_A, CHANNEL_B].sort(),
    );
    expect(new Set(outbox.map((row) => row.envelope.data['messageId']))).toEqual(
      new Set(messages.map((m) => m.id)),
    );
  });
  it('records every message type with its typed fields; only text messages carry a text', async () => {
    const openId = 'oTyped_messages_user5';
    const image = typedMessage(RoutingKeys.wechatMessageImage, {
      openId,
      msgId: '7250021412600050001',
      msgType: 'image',
      picUrl: 'http://mmbiz.qpic.cn/x/0',
      mediaId: 'm1',
    });
    const other = typedMessage(RoutingKeys.wechatMessageOther, {
      openId,
      msgId: '7250021412600050002',
      msgType: 'miniprogrampage',
      fields: { MsgType: 'miniprogrampage', Title: 'a' },
      createTime: BASE_TIME + 1,
    });
    const imageCause = causeOf(image);
    await recordMessage.execute(image, imageCause);
    await recordMessage.execute(other, causeOf(other));

    const messages = await messagesOf(openId);
    expect(messages.map(({ type, text, fields }) => ({ type, text, fields }))).toEqual([
      {
        type: 'image',
        text: null,
        fields: {
          msgId: '7250021412600050001',
          msgType: 'image',
          picUrl: 'http://mmbiz.qpic.cn/x/0',
          mediaId: 'm1',
        },
      },
      {
        type: 'miniprogrampage',
        text: null,
        fields: {
          msgId: '7250021412600050002',
          msgType: 'miniprogrampage',
          fields: { MsgType: 'miniprogrampage', Title: 'a' },
        },
      },
    ]);
    const [contact] = await contactsOf(openId);
    const outbox = await outboxOf(openId);
    expect(outbox).toHaveLength(2);
    expectRecordedEvent(outbox[0], messages[0], contact, image, imageCause);
    expect(outbox[0].envelope.data).not.toHaveProperty('text');
  });
});

describe('RecordInboundEvent', () => {
  it('subscribe then unsubscribe set following; a redelivered event (same dedupeKey) is recorded once', async () => {
    const openId = 'oFollow_user_00000005';
    const followed = subscribe(openId, BASE_TIME);
    const unfollowed = unsubscribe(openId, BASE_TIME + 30);

    await deliverEvent(followed);
    expect((await contactsOf(openId)).map((c) => c.following)).toEqual([true]);

    await deliverEvent(unfollowed);
    await Promise.all([deliverEvent(unfollowed), deliverEvent(unfollowed)]);
    const contacts = await contactsOf(openId);
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ following: false });
    expect(contacts[0].last_interaction_at.toISOString()).toBe(
      new Date((BASE_TIME + 30) * 1000).toISOString(),
    );
    expect(await eventsOf(openId)).toEqual([
      { dedupe_key: followed.dedupeKey, event: 'subscribe' },
      { dedupe_key: unfollowed.dedupeKey, event: 'unsubscribe' },
    ]);
    // Other events mark an interaction without touching the follow state.
    await deliverEvent(
      inboundEvent(RoutingKeys.wechatEventClick, {
        openId,
        event: 'CLICK',
        eventKey: 'MENU_HELP',
        createTime: BASE_TIME + 40,
        dedupeKeyPart: 'MENU_HELP',
      }),
    );
    expect((await contactsOf(openId))[0]).toMatchObject({ following: false });
    expect(await eventsOf(openId)).toHaveLength(3);
  });

  it('a redelivered subscribe arriving after the unsubscribe does not flip following back', async () => {
    const openId = 'oFollow_redelivered_06';
    const followed = subscribe(openId, BASE_TIME);

    await deliverEvent(followed);
    await deliverEvent(unsubscribe(openId, BASE_TIME + 30));
    await deliverEvent(followed); // duplicate: same dedupeKey

    expect(await eventsOf(openId)).toHaveLength(2);
    expect((await contactsOf(openId))[0]).toMatchObject({ following: false });
  });

  it('follow state follows CreateTime, not processing order', async () => {
    const openId = 'oFollow_out_of_order7';
    await deliverEvent(unsubscribe(openId, BASE_TIME + 30));
    await deliverEvent(subscribe(openId, BASE_TIME));

    expect(await eventsOf(openId)).toHaveLength(2);
    expect((await contactsOf(openId))[0]).toMatchObject({ following: false });
  });

  it('stores each event type with the key that tells it apart and its typed fields', async () => {
    const openId = 'oTyped_events_user_08';
    const events = [
      inboundEvent(RoutingKeys.wechatEventSubscribe, {
        openId,
        event: 'subscribe',
        createTime: BASE_TIME,
        qrScene: '7',
        ticket: 'T',
        dedupeKeyPart: 'qrscene_7',
      }),
      inboundEvent(RoutingKeys.wechatEventView, {
        openId,
        event: 'VIEW',
        createTime: BASE_TIME + 1,
        url: 'http://www.qq.com',
        dedupeKeyPart: 'http://www.qq.com',
      }),
      inboundEvent(RoutingKeys.wechatEventLocation, {
        openId,
        event: 'LOCATION',
        createTime: BASE_TIME + 2,
        latitude: 23.1,
        longitude: 113.3,
        precision: 119.4,
      }),
      inboundEvent(RoutingKeys.wechatEventTemplateSendJobFinish, {
        openId,
        event: 'TEMPLATESENDJOBFINISH',
        createTime: BASE_TIME + 3,
        msgId: BIG_MSG_ID,
        status: 'success',
        dedupeKeyPart: BIG_MSG_ID,
      }),
      inboundEvent(RoutingKeys.wechatEventOther, {
        openId,
        event: 'view_miniprogram',
        createTime: BASE_TIME + 4,
        eventKey: 'pages/index',
        fields: { Event: 'view_miniprogram', MenuId: '3' },
        dedupeKeyPart: 'pages/index',
      }),
    ];
    for (const event of events) {
      await deliverEvent(event);
    }

    const rows = await eventRowsOf(openId);
    expect(rows.map(({ event, event_key }) => [event, event_key])).toEqual([
      ['subscribe', 'qrscene_7'],
      ['VIEW', 'http://www.qq.com'],
      ['LOCATION', null],
      ['TEMPLATESENDJOBFINISH', BIG_MSG_ID],
      ['view_miniprogram', 'pages/index'],
    ]);
    expect(rows.map((row) => row.dedupe_key)).toEqual(events.map((event) => event.dedupeKey));
    expect(rows[0].fields).toEqual({
      event: 'subscribe',
      qrScene: '7',
      ticket: 'T',
      dedupeKey: events[0].dedupeKey,
    });
    expect(rows[3].fields).toMatchObject({ msgId: BIG_MSG_ID, status: 'success' });
    expect(rows[4].fields).toMatchObject({
      eventKey: 'pages/index',
      fields: { Event: 'view_miniprogram', MenuId: '3' },
    });
    expect((await contactsOf(openId))[0]).toMatchObject({ following: true });
  });
});

describe('contact state (conversation.contact.updated.v1)', () => {
  const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

  async function contactEventsOf(openId: string): Promise<Array<Record<string, unknown>>> {
    const rows = await outboxOf(openId, RoutingKeys.conversationContactUpdated);
    for (const row of rows) {
      // desk-api and outbound validate every envelope: these must pass.
      expect(() => parseEnvelope(row.envelope)).not.toThrow();
    }
    return rows.map((row) => row.envelope.data);
  }

  it("a message moves the contact's times forward without announcing the contact; a duplicate changes nothing", async () => {
    const openId = 'oContact_messages_u09';
    const later = inboundMessage({
      openId,
      msgId: '7250021412600090002',
      createTime: BASE_TIME + 100,
    });
    const earlier = inboundMessage({ openId, msgId: '7250021412600090001', createTime: BASE_TIME });
    const laterCause = causeOf(later);

    await recordMessage.execute(later, laterCause);
    await recordMessage.execute(earlier, causeOf(earlier)); // arrives late
    const [contact] = await contactsOf(openId);
    // The late message does not move the times back.
    expect(contact).toMatchObject({
      last_customer_message_at: new Date((BASE_TIME + 100) * 1000),
      last_interaction_at: new Date((BASE_TIME + 100) * 1000),
    });
    // message.recorded.v1 already says when the customer wrote: no contact.updated.v1 for messages.
    expect(await contactEventsOf(openId)).toEqual([]);
    expect(await outboxOf(openId)).toHaveLength(2);

    const before = await observer.query('SELECT * FROM conversation.contacts WHERE open_id = $1', [
      openId,
    ]);
    const outboxBefore = await allOutboxOf(openId);
    await recordMessage.execute(later, laterCause); // a WeChat retry or a redelivery
    await Promise.all([
      recordMessage.execute(earlier, causeOf(earlier)),
      recordMessage.execute(later, laterCause),
    ]);
    const after = await observer.query('SELECT * FROM conversation.contacts WHERE open_id = $1', [
      openId,
    ]);
    expect(after.rows).toEqual(before.rows);
    expect(await allOutboxOf(openId)).toEqual(outboxBefore);
  });

  it('follow, click, scan and unfollow: following and last_prompt_at by CreateTime; events publish no message', async () => {
    const openId = 'oContact_events_user10';
    const qrFollow = inboundEvent(RoutingKeys.wechatEventSubscribe, {
      openId,
      event: 'subscribe',
      createTime: BASE_TIME,
      qrScene: '42',
      ticket: 'T',
      dedupeKeyPart: 'qrscene_42',
    });
    const click = inboundEvent(RoutingKeys.wechatEventClick, {
      openId,
      event: 'CLICK',
      eventKey: 'MENU_HELP',
      createTime: BASE_TIME + 10,
      dedupeKeyPart: 'MENU_HELP',
    });
    const location = inboundEvent(RoutingKeys.wechatEventLocation, {
      openId,
      event: 'LOCATION',
      createTime: BASE_TIME + 15,
      latitude: 23.1,
      longitude: 113.3,
      precision: 119.4,
    });
    const scan = inboundEvent(RoutingKeys.wechatEventScan, {
      openId,
      event: 'SCAN',
      sceneKey: '7',
      createTime: BASE_TIME + 20,
      dedupeKeyPart: '7',
    });
    const unfollow = unsubscribe(openId, BASE_TIME + 30);

    for (const event of [qrFollow, click, location, scan, unfollow]) {
      await deliverEvent(event);
    }
    await deliverEvent(click); // redelivered: nothing more
    await deliverEvent(qrFollow);

    const [contact] = await contactsOf(openId);
    const base = { contactId: contact.id, channelId: CHANNEL_A, openId };
    expect(await contactEventsOf(openId)).toEqual([
      {
        ...base,
        following: true,
        followingChangedAt: iso(BASE_TIME),
        lastPromptAt: iso(BASE_TIME),
        lastInteractionAt: iso(BASE_TIME),
      },
      {
        ...base,
        following: true,
        followingChangedAt: iso(BASE_TIME),
        lastPromptAt: iso(BASE_TIME + 10),
        lastInteractionAt: iso(BASE_TIME + 10),
      },
      // LOCATION is an interaction, not a prompt.
      {
        ...base,
        following: true,
        followingChangedAt: iso(BASE_TIME),
        lastPromptAt: iso(BASE_TIME + 10),
        lastInteractionAt: iso(BASE_TIME + 15),
      },
      {
        ...base,
        following: true,
        followingChangedAt: iso(BASE_TIME),
        lastPromptAt: iso(BASE_TIME + 20),
        lastInteractionAt: iso(BASE_TIME + 20),
      },
      {
        ...base,
        following: false,
        followingChangedAt: iso(BASE_TIME + 30),
        lastPromptAt: iso(BASE_TIME + 20),
        lastInteractionAt: iso(BASE_TIME + 30),
      },
    ]);
    // Events never become messages (so never tickets).
    expect(await outboxOf(openId)).toEqual([]);
    expect(await messagesOf(openId)).toEqual([]);
    expect((await allOutboxOf(openId)).map((row) => row.routing_key)).toEqual(
      Array(5).fill(RoutingKeys.conversationContactUpdated),
    );

    // A message afterwards adds its own time; the next event announces it with the others.
    const message = inboundMessage({
      openId,
      msgId: '7250021412600100001',
      createTime: BASE_TIME + 40,
    });
    await recordMessage.execute(message, causeOf(message));
    await deliverEvent(
      inboundEvent(RoutingKeys.wechatEventLocation, {
        openId,
        event: 'LOCATION',
        createTime: BASE_TIME + 50,
        latitude: 23.1,
        longitude: 113.3,
        precision: 119.4,
      }),
    );
    expect((await contactEventsOf(openId)).at(-1)).toEqual({
      ...base,
      following: false,
      followingChangedAt: iso(BASE_TIME + 30),
      lastCustomerMessageAt: iso(BASE_TIME + 40),
      lastPromptAt: iso(BASE_TIME + 20),
      lastInteractionAt: iso(BASE_TIME + 50),
    });
  });

  it('an old subscribe arriving after a newer unsubscribe announces the unchanged (unfollowed) state', async () => {
    const openId = 'oContact_late_follow11';
    await deliverEvent(unsubscribe(openId, BASE_TIME + 30));
    await deliverEvent(subscribe(openId, BASE_TIME));

    const events = await contactEventsOf(openId);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      following: false,
      followingChangedAt: iso(BASE_TIME + 30),
      // The follow still was a prompt at its own time.
      lastPromptAt: iso(BASE_TIME),
      lastInteractionAt: iso(BASE_TIME + 30),
    });
  });
});

describe('media of a new message (conversation.media.requested.v1)', () => {
  interface AttachmentRow {
    id: string;
    message_id: string;
    role: string;
    media_id: string;
    status: string;
    attempts: number;
  }

  async function attachmentsOf(messageId: string): Promise<AttachmentRow[]> {
    const { rows } = await observer.query<AttachmentRow>(
      `SELECT id, message_id, role, media_id, status, attempts FROM conversation.attachments
        WHERE message_id = $1 ORDER BY role`,
      [messageId],
    );
    return rows;
  }

  async function requestsFor(messageId: string): Promise<OutboxRow[]> {
    const { rows } = await observer.query<OutboxRow>(
      `SELECT event_id, routing_key, envelope FROM conversation.outbox
        WHERE routing_key = $1 AND envelope->'data'->>'messageId' = $2 ORDER BY position`,
      [RoutingKeys.conversationMediaRequested, messageId],
    );
    return rows;
  }

  it('an image asks for its MediaId, a video for its media and thumbnail; once, in the same transaction', async () => {
    const openId = 'oMedia_messages_user12';
    const image = typedMessage(RoutingKeys.wechatMessageImage, {
      openId,
      msgId: '7250021412600120001',
      msgType: 'image',
      picUrl: 'http://mmbiz.qpic.cn/x/1',
      mediaId: 'IMAGE_MEDIA_1',
    });
    const video = typedMessage(RoutingKeys.wechatMessageVideo, {
      openId,
      msgId: '7250021412600120002',
      msgType: 'video',
      mediaId: 'VIDEO_MEDIA_1',
      thumbMediaId: 'VIDEO_THUMB_1',
      createTime: BASE_TIME + 1,
    });
    const voice = typedMessage(RoutingKeys.wechatMessageVoice, {
      openId,
      msgId: '7250021412600120003',
      msgType: 'voice',
      mediaId: 'VOICE_MEDIA_1',
      format: 'amr',
      mediaId16K: 'VOICE_16K_1',
      createTime: BASE_TIME + 2,
    });
    const imageCause = causeOf(image);
    for (const message of [image, video, voice]) {
      await recordMessage.execute(message, message === image ? imageCause : causeOf(message));
    }
    await recordMessage.execute(image, imageCause); // a duplicate asks for nothing more

    const [imageRow, videoRow, voiceRow] = await messagesOf(openId);
    expect(
      (await attachmentsOf(imageRow.id)).map(({ role, media_id, status, attempts }) => ({
        role,
        media_id,
        status,
        attempts,
      })),
    ).toEqual([{ role: 'media', media_id: 'IMAGE_MEDIA_1', status: 'pending', attempts: 0 }]);
    expect(
      (await attachmentsOf(videoRow.id)).map(({ role, media_id }) => [role, media_id]),
    ).toEqual([
      ['media', 'VIDEO_MEDIA_1'],
      ['thumbnail', 'VIDEO_THUMB_1'],
    ]);
    // The 16 kHz copy of a voice is not fetched.
    expect((await attachmentsOf(voiceRow.id)).map(({ media_id }) => media_id)).toEqual([
      'VOICE_MEDIA_1',
    ]);

    const imageRequests = await requestsFor(imageRow.id);
    expect(imageRequests).toHaveLength(1);
    expect(() => parseEnvelope(imageRequests[0].envelope)).not.toThrow();
    const [imageAttachment] = await attachmentsOf(imageRow.id);
    expect(imageRequests[0].envelope).toMatchObject({
      correlationId: imageCause.correlationId,
      causationId: imageCause.id,
      data: {
        attachmentId: imageAttachment.id,
        messageId: imageRow.id,
        channelId: CHANNEL_A,
        messageType: 'image',
        role: 'media',
        mediaId: 'IMAGE_MEDIA_1',
      },
    });
    const videoRequests = await requestsFor(videoRow.id);
    expect(videoRequests.map((row) => row.envelope.data)).toEqual(
      (await attachmentsOf(videoRow.id)).map((attachment) => ({
        attachmentId: attachment.id,
        messageId: videoRow.id,
        channelId: CHANNEL_A,
        messageType: 'video',
        role: attachment.role,
        mediaId: attachment.media_id,
      })),
    );
    // A text message has none.
    const text = inboundMessage({
      openId,
      msgId: '7250021412600120004',
      createTime: BASE_TIME + 3,
    });
    await recordMessage.execute(text, causeOf(text));
    const textRow = (await messagesOf(openId)).at(-1)!;
    expect(await attachmentsOf(textRow.id)).toEqual([]);
    expect(await requestsFor(textRow.id)).toEqual([]);
  });
});
