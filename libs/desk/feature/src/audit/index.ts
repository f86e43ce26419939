export { auditChanges, isSecretField, type AuditChanges, type AuditFields } from './audit-diff';
export { AuditLog, type AuditRecordInput } from './audit-log';
