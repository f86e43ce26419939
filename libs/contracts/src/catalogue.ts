import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';

import { ChannelUpdatedV1 } from './events/channel-updated.v1';
import { ConversationContactUpdatedV1 } from './events/conversation-contact-updated.v1';
import {
  ConversationAttachmentFailedV1,
  ConversationAttachmentStoredV1,
  ConversationMediaRequestedV1,
} from './events/conversation-media.v1';
import { ConversationMessageRecordedV1 } from './events/conversation-message-recorded.v1';
import { OutboundReplyFailedV1 } from './events/outbound-reply-failed.v1';
import { OutboundReplyRequestedV1 } from './events/outbound-reply-requested.v1';
import { OutboundReplySentV1 } from './events/outbound-reply-sent.v1';
import { OutboundReplyWindowUpdatedV1 } from './events/outbound-reply-window-updated.v1';
import { OutboundTypingRequestedV1 } from './events/outbound-typing-requested.v1';
import { TicketCreatedV1 } from './events/ticket-created.v1';
import { TicketMessageAddedV1 } from './events/ticket-message-added.v1';
import { TicketSettingsUpdatedV1 } from './events/ticket-settings-updated.v1';
import { TicketStatusChangedV1, TicketStatusChangeRequestedV1 } from './events/ticket-status.v1';
import {
  WechatClickEventV1,
  WechatKfCloseSessionEventV1,
  WechatKfCreateSessionEventV1,
  WechatKfSwitchSessionEventV1,
  WechatLocationEventV1,
  WechatLocationSelectEventV1,
  WechatMassSendJobFinishEventV1,
  WechatOtherEventV1,
  WechatPicPhotoOrAlbumEventV1,
  WechatPicSysphotoEventV1,
  WechatPicWeixinEventV1,
  WechatScancodePushEventV1,
  WechatScancodeWaitmsgEventV1,
  WechatScanEventV1,
  WechatSubscribeEventV1,
  WechatTemplateSendJobFinishEventV1,
  WechatUnsubscribeEventV1,
  WechatViewEventV1,
} from './events/wechat-inbound-events.v1';
import {
  WechatImageMessageV1,
  WechatLinkMessageV1,
  WechatLocationMessageV1,
  WechatOtherMessageV1,
  WechatShortVideoMessageV1,
  WechatTextMessageV1,
  WechatVideoMessageV1,
  WechatVoiceMessageV1,
} from './events/wechat-inbound-messages.v1';
import { EventEnvelope } from './envelope';
import { fastValidator } from './fast-validation';
import {
  RoutingKeys,
  type InboundEventRoutingKey,
  type InboundMessageRoutingKey,
  type RoutingKey,
} from './routing-keys';

/** Routing key → payload class: the one place that says what each message carries. */
export const EventCatalogue = {
  [RoutingKeys.channelUpdated]: ChannelUpdatedV1,
  [RoutingKeys.wechatMessageText]: WechatTextMessageV1,
  [RoutingKeys.wechatMessageImage]: WechatImageMessageV1,
  [RoutingKeys.wechatMessageVoice]: WechatVoiceMessageV1,
  [RoutingKeys.wechatMessageVideo]: WechatVideoMessageV1,
  [RoutingKeys.wechatMessageShortVideo]: WechatShortVideoMessageV1,
  [RoutingKeys.wechatMessageLocation]: WechatLocationMessageV1,
  [RoutingKeys.wechatMessageLink]: WechatLinkMessageV1,
  [RoutingKeys.wechatMessageOther]: WechatOtherMessageV1,
  [RoutingKeys.wechatEventSubscribe]: WechatSubscribeEventV1,
  [RoutingKeys.wechatEventUnsubscribe]: WechatUnsubscribeEventV1,
  [RoutingKeys.wechatEventScan]: WechatScanEventV1,
  [RoutingKeys.wechatEventLocation]: WechatLocationEventV1,
  [RoutingKeys.wechatEventClick]: WechatClickEventV1,
  [RoutingKeys.wechatEventView]: WechatViewEventV1,
  [RoutingKeys.wechatEventScancodePush]: WechatScancodePushEventV1,
  [RoutingKeys.wechatEventScancodeWaitmsg]: WechatScancodeWaitmsgEventV1,
  [RoutingKeys.wechatEventPicSysphoto]: WechatPicSysphotoEventV1,
  [RoutingKeys.wechatEventPicPhotoOrAlbum]: WechatPicPhotoOrAlbumEventV1,
  [RoutingKeys.wechatEventPicWeixin]: WechatPicWeixinEventV1,
  [RoutingKeys.wechatEventLocationSelect]: WechatLocationSelectEventV1,
  [RoutingKeys.wechatEventKfCreateSession]: WechatKfCreateSessionEventV1,
  [RoutingKeys.wechatEventKfCloseSession]: WechatKfCloseSessionEventV1,
  [RoutingKeys.wechatEventKfSwitchSession]: WechatKfSwitchSessionEventV1,
  [RoutingKeys.wechatEventTemplateSendJobFinish]: WechatTemplateSendJobFinishEventV1,
  [RoutingKeys.wechatEventMassSendJobFinish]: WechatMassSendJobFinishEventV1,
  [RoutingKeys.wechatEventOther]: WechatOtherEventV1,
  [RoutingKeys.conversationMessageRecorded]: ConversationMessageRecordedV1,
  [RoutingKeys.conversationMediaRequested]: ConversationMediaRequestedV1,
  [RoutingKeys.conversationAttachmentStored]: ConversationAttachmentStoredV1,
  [RoutingKeys.conversationAttachmentFailed]: ConversationAttachmentFailedV1,
  [RoutingKeys.conversationContactUpdated]: ConversationContactUpdatedV1,
  [RoutingKeys.ticketSettingsUpdated]: TicketSettingsUpdatedV1,
  [RoutingKeys.ticketCreated]: TicketCreatedV1,
  [RoutingKeys.ticketMessageAdded]: TicketMessageAddedV1,
  [RoutingKeys.ticketStatusChangeRequested]: TicketStatusChangeRequestedV1,
  [RoutingKeys.ticketStatusChanged]: TicketStatusChangedV1,
  [RoutingKeys.outboundReplyRequested]: OutboundReplyRequestedV1,
  [RoutingKeys.outboundReplySent]: OutboundReplySentV1,
  [RoutingKeys.outboundReplyFailed]: OutboundReplyFailedV1,
  [RoutingKeys.outboundReplyWindowUpdated]: OutboundReplyWindowUpdatedV1,
  [RoutingKeys.outboundTypingRequested]: OutboundTypingRequestedV1,
} as const satisfies Record<RoutingKey, new () => object>;

export type EventPayload<K extends RoutingKey> = InstanceType<(typeof EventCatalogue)[K]>;

/** Any inbound WeChat message: one of the typed classes, or WechatOtherMessageV1. */
export type WechatInboundMessage = EventPayload<InboundMessageRoutingKey>;

/** Any inbound WeChat event: one of the typed classes, or WechatOtherEventV1. */
export type WechatInboundEvent = EventPayload<InboundEventRoutingKey>;

export class ContractViolationError extends Error {
  constructor(
    readonly routingKey: string,
    readonly problems: string[],
  ) {
    super(`Message ${routingKey} breaks its contract: ${problems.join('; ')}`);
    this.name = 'ContractViolationError';
  }
}

function flatten(errors: ValidationError[], path = ''): string[] {
  return errors.flatMap((error) => {
    const at = path === '' ? error.property : `${path}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((text) => `${at}: ${text}`);
    return [...own, ...flatten(error.children ?? [], at)];
  });
}

/**
 * class-validator works out a class's rules again on every validation, walking every registered
 * class to find inherited ones: a third of the cost of validating a push. Rules are fixed once a
 * class is defined (decorators run at import), so each class's are kept after the first lookup.
 */
function rememberValidationRules(): void {
  const storage = getMetadataStorage();
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  const remembered = new Map<unknown, Map<string, ReturnType<typeof lookUp>>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if (groups !== undefined && groups.length > 0) {
      return lookUp(target, schema, always, strictGroups, groups);
    }
    const options = `${schema}|${String(always)}|${String(strictGroups)}`;
    const byOptions = remembered.get(target) ?? new Map<string, ReturnType<typeof lookUp>>();
    remembered.set(target, byOptions);
    const rules = byOptions.get(options) ?? lookUp(target, schema, always, strictGroups, groups);
    byOptions.set(options, rules);
    return rules;
  };
}
rememberValidationRules();

function validated<T extends object>(cls: new () => T, plain: unknown, key: string): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new ContractViolationError(key, ['not an object']);
  }
  // No contract class transforms or nests types, so a plain copy onto an instance is enough.
  const instance = Object.assign(new cls(), plain);
  // Most payloads are valid: a check that can only say "valid" skips class-validator's heavy
  // path; anything it is unsure of goes through validateSync for the verdict and the messages.
  if (fastValidator(cls)(instance)) {
    return instance;
  }
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  // class-validator's whitelist lets through fields named like Object.prototype members
  // (hasOwnProperty, isPrototypeOf…): no contract has one, so they are refused here.
  const shadowing = Object.keys(plain).filter((name) => name in Object.prototype);
  if (errors.length > 0 || shadowing.length > 0) {
    throw new ContractViolationError(key, [
      ...flatten(errors),
      ...shadowing.map((name) => `${name}: property ${name} should not exist`),
    ]);
  }
  return instance;
}

/** Validates a payload against its contract; throws ContractViolationError with every problem. */
export function validateEventData<K extends RoutingKey>(key: K, data: unknown): EventPayload<K> {
  const cls = EventCatalogue[key] as new () => EventPayload<K>;
  return validated(cls, data, key);
}

/** Validates a whole envelope, then its payload against the contract named by `type`. */
export function parseEnvelope(plain: unknown): EventEnvelope<object> {
  const envelope = validated(EventEnvelope, plain, 'envelope');
  if (!(envelope.type in EventCatalogue)) {
    throw new ContractViolationError(String(envelope.type), ['unknown message type']);
  }
  envelope.data = validateEventData(envelope.type, envelope.data);
  return envelope;
}
