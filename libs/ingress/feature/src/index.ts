export { ingressMigrations } from './data-access/migrations';
export { IngressFeatureModule } from './ingress-feature.module';
export { InvalidPushError, pushToEvent } from './receive-push/push-to-event';
export { verifyPush, type PushQuery, type PushRejection } from './receive-push/push-verification';
export { configureIngress } from './configure-ingress';
