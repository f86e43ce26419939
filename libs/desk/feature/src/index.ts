export { API_PREFIX, configureDeskApi } from './configure-desk-api';
export { DeskFeatureModule } from './desk-feature.module';
// The app wires persistence with these; tools/migrate.ts may import them from data-access directly.
export { deskEntities, deskMigrations } from '@wechat-desk/desk/data-access';
