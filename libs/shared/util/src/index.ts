export { assertNever } from './assert-never';
export { SecretBox } from './secret-box';
export { sleep } from './sleep';
export { TimeoutError, withTimeout } from './with-timeout';
export { GroupCommit, type GroupCommitOptions } from './group-commit';
