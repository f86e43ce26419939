export { CachedChannelDirectory } from './cached-channel-directory';
export {
  ChannelDirectory,
  channelDirectoryTableSql,
  channelNotifyChannel,
  type ChannelRecord,
  type ChannelSummary,
} from './channel-directory';
export { ChannelDirectoryModule } from './channel-directory.module';
