export { outboundMigrations } from '@wechat-desk/outbound/data-access';
export { OutboundFeatureModule } from './outbound-feature.module';
