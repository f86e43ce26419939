export {
  type AttachmentRecord,
  type AttachmentStatus,
  type ContactState,
  ConversationRepository,
  type NewAttachment,
  type NewInboundEvent,
  type NewInboundMessage,
} from './conversation.repository';
export { conversationMigrations } from './migrations';
