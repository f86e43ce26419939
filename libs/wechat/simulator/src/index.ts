export {
  APP_ID_PATTERN,
  APP_SECRET_PATTERN,
  ORIGINAL_ID_PATTERN,
  parseSimAccountsEnv,
  type SimAccount,
  type SimAccountInput,
  validateAccountInput,
} from './lib/accounts';
export {
  AudienceStateService,
  type Delivery,
  type MassJob,
  type MassJobCounts,
  type MassRecipientOutcome,
  type SimTag,
} from './lib/audience-state.service';
export { type Clock, SIMULATOR_CLOCK, systemClock } from './lib/clock';
export {
  CUSTOM_MESSAGE_TYPES,
  type CustomMessageType,
  MAX_TEXT_CONTENT_BYTES,
  validateCustomMessage,
} from './lib/custom-message.validation';
export { WECHAT_JSON_CONTENT_TYPE } from './lib/http-input';
export { ipAllowed, ipNotWhitelisted, normalizeIp, validateIpWhitelist } from './lib/ip-whitelist';
export {
  DEFAULT_MASS_JOB_DELAY_MS,
  SIMULATOR_OPTIONS,
  simulatorOptionsFromEnv,
  type WechatSimulatorOptions,
} from './lib/options';
export {
  DEFAULT_FAULT_DELAY_MS,
  extensionFor,
  MEDIA_FAULT_MODES,
  MEDIA_LIFETIME_MS,
  type MediaFaultMode,
  SIM_MEDIA_TYPES,
  type SimMedia,
  type SimMediaType,
  validateMediaFault,
  validateMediaInput,
} from './lib/media';
export {
  MASS_MESSAGE_TYPES,
  type MassMessageType,
  validateMassSend,
  validateSendAll,
} from './lib/mass-message.validation';
export { checkUpload, MAX_UPLOAD_BYTES, sniffFormat, UPLOAD_RULES } from './lib/media-upload';
export { WECHAT_PATHS } from './lib/paths';
export {
  createWechatSimulatorApp,
  type CreateSimulatorAppOptions,
  registerRawBodyParser,
  SIM_BODY_LIMIT_BYTES,
} from './lib/simulator-app';
export {
  type IssuedToken,
  type RecordedCall,
  SimulatorStateService,
  STABLE_ROTATE_BEFORE_S,
  SUPERSEDED_GRACE_S,
  TOKEN_LIFETIME_S,
  type TokenCheck,
  type TokenGrant,
  type TokenKind,
} from './lib/simulator-state.service';
export {
  INTERACTION_KINDS,
  type InteractionKind,
  MASS_MONTHLY_LIMIT,
  MESSAGE_WINDOW_MS,
  MESSAGE_WINDOW_SENDS,
  PROMPT_WINDOW_MS,
  PROMPT_WINDOW_SENDS,
  shanghaiMonth,
  type SimUser,
  TYPING_DURATION_MS,
  TYPING_INTERACTION_MS,
} from './lib/users';
export {
  type MediaAnswer,
  type TokenResponse,
  type UploadResponse,
  WechatApiService,
  type WechatResponse,
} from './lib/wechat-api.service';
export { MASS_EVENT_FROM, WechatMassApiService } from './lib/wechat-mass-api.service';
export {
  WECHAT_ERRORS,
  type WechatErrorBody,
  type WechatErrorName,
  wechatError,
} from './lib/wechat-errors';
export { WechatSimulatorModule } from './lib/wechat-simulator.module';
