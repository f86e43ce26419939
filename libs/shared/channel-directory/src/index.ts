export { CachedChannelDirectory } from './cached-channel-directory';
export {
  ChannelDirectory,
  channelDirectoryTableSql,
  channelNotifyChannel,
  type ChannelRecord,
} from './channel-directory';
export { ChannelDirectoryModule } from './channel-directory.module';
