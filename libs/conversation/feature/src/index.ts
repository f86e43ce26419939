export { conversationMigrations } from '@wechat-desk/conversation/data-access';
export { ConversationFeatureModule } from './conversation-feature.module';
