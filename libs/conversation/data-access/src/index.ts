export {
  ConversationRepository,
  type NewInboundEvent,
  type NewInboundMessage,
} from './conversation.repository';
export { conversationMigrations } from './migrations';
