export { assertNever } from './assert-never';
export { sleep } from './sleep';
