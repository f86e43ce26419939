export { ticketingMigrations } from '@wechat-desk/ticketing/data-access';
export { TicketingFeatureModule } from './ticketing-feature.module';
