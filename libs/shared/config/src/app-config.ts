import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

const toIntList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
        .map(Number)
    : value;

/** A TCP port given as text; 0 lets the system pick one (tests). */
const Port = (): PropertyDecorator =>
  applyDecorators(Transform(toInt), IsInt(), Min(0), Max(65535));

const toStringList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
    : value;

/** Intl must know the zone, or month keys could not be computed. */
const IsKnownTimeZone = (): PropertyDecorator =>
  ValidateBy({
    name: 'isKnownTimeZone',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') {
          return false;
        }
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: value });
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: () => 'REPLY_QUOTA_TIME_ZONE must be a time zone this runtime knows',
    },
  });

const urlOptions = { require_tld: false, require_protocol: true };

export const NODE_ENVIRONMENTS = ['development', 'test', 'production'] as const;
export type NodeEnvironment = (typeof NODE_ENVIRONMENTS)[number];

/**
 * Every variable of docs/api.md plus the operational knobs. One class for all services so a
 * variable means the same everywhere; each service reads only what it needs.
 */
export class AppConfig {
  @IsIn(NODE_ENVIRONMENTS)
  NODE_ENV: NodeEnvironment = 'development';

  @IsString()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@localhost:5432/wechat_desk';

  @IsString()
  @Matches(/^amqps?:\/\/.+/, { message: 'RABBITMQ_URL must be an amqp:// or amqps:// URL' })
  RABBITMQ_URL = 'amqp://guest:guest@localhost:5672';

  @IsString()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://localhost:6379';

  @IsUrl(urlOptions)
  WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';

  @IsUrl(urlOptions)
  PUBLIC_BASE_URL = 'http://localhost:8080';

  @IsUrl(urlOptions)
  PUBLIC_FILES_BASE_URL = 'http://localhost:8081';

  @Port()
  INGRESS_PORT = 8080;

  @Port()
  DESK_API_PORT = 8081;

  @Port()
  CONVERSATION_PORT = 8082;

  @Port()
  TICKETING_PORT = 8083;

  @Port()
  OUTBOUND_PORT = 8084;

  @IsString()
  HTTP_HOST = '0.0.0.0';

  /**
   * Whose X-Forwarded-For to believe for the client address (rate limits, logs): proxy addresses
   * or CIDRs, comma-separated, or presets like `loopback`. Never everyone, or clients could choose
   * their own address.
   */
  @IsString()
  @Matches(/^[A-Za-z0-9.:/, ]+$/, {
    message: 'HTTP_TRUSTED_PROXIES must be addresses, CIDRs or presets',
  })
  HTTP_TRUSTED_PROXIES = 'loopback';

  @IsOptional()
  @IsString()
  @Matches(/^[^@\s]+@[^@\s]+$/, { message: 'BOOTSTRAP_ADMIN_EMAIL must be an e-mail address' })
  BOOTSTRAP_ADMIN_EMAIL?: string;

  @ValidateIf((config: AppConfig) => config.BOOTSTRAP_ADMIN_EMAIL !== undefined)
  @IsString({ message: 'BOOTSTRAP_ADMIN_PASSWORD is required with BOOTSTRAP_ADMIN_EMAIL' })
  @MinLength(8, { message: 'BOOTSTRAP_ADMIN_PASSWORD must have at least 8 characters' })
  BOOTSTRAP_ADMIN_PASSWORD?: string;

  /** 32 bytes as 64 hex characters or base64; required in production. */
  @ValidateIf(
    (config: AppConfig) => config.NODE_ENV === 'production' || config.MASTER_KEY !== undefined,
  )
  @IsString({ message: 'MASTER_KEY is required in production' })
  @Matches(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, {
    message: 'MASTER_KEY must be 32 bytes, as 64 hex characters or 44 base64 characters',
  })
  MASTER_KEY?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  INGRESS_MAX_CLOCK_SKEW_S = 300;

  /** The calendar months of the 4-per-month reply quota are counted on this zone's wall clock. */
  @IsString()
  @Matches(/^[A-Za-z_+-]+(\/[A-Za-z0-9_+-]+)*$/, {
    message: 'REPLY_QUOTA_TIME_ZONE must be an IANA time zone such as Asia/Shanghai',
  })
  @IsKnownTimeZone()
  REPLY_QUOTA_TIME_ZONE = 'Asia/Shanghai';

  /** How long the signed link of a document sent to a customer stays valid. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 90)
  DOCUMENT_LINK_TTL_HOURS = 24 * 7;

  /**
   * How long the ingress waits for RabbitMQ's confirm before it spools the push instead. WeChat
   * gives up after 5 s, so this plus the spool write must stay well under that.
   */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(3_000)
  INGRESS_PUBLISH_TIMEOUT_MS = 1_000;

  /** How long the ingress waits for the spool (PostgreSQL) before answering 503. */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(3_000)
  INGRESS_SPOOL_TIMEOUT_MS = 2_000;

  /** Our public egress addresses, shown to admins when WeChat refuses our IP (40164). */
  @Transform(toStringList)
  @IsString({ each: true })
  WECHAT_EGRESS_IPS: string[] = [];

  /** Prefix of every exchange and queue name; tests use their own to stay isolated. */
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]*$/, {
    message: 'MESSAGING_NAMESPACE must be lowercase [a-z0-9._-]',
  })
  MESSAGING_NAMESPACE = 'wechat-desk';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  RABBITMQ_PREFETCH = 20;

  /** Deliveries before a message is dead-lettered (first attempt included). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  RABBITMQ_MAX_ATTEMPTS = 5;

  /** Delay before each retry; the last one repeats for further attempts. */
  @Transform(toIntList)
  @IsInt({ each: true })
  @Min(10, { each: true })
  @Max(3_600_000, { each: true })
  RABBITMQ_RETRY_DELAYS_MS: number[] = [1_000, 5_000, 30_000];

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  RABBITMQ_CONFIRM_TIMEOUT_MS = 3_000;

  @IsString()
  @Matches(/^[A-Za-z0-9:._-]*$/, { message: 'REDIS_KEY_PREFIX must be [A-Za-z0-9:._-]' })
  REDIS_KEY_PREFIX = 'wechat-desk:';

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  @IsIn(['json', 'pretty'])
  LOG_FORMAT: 'json' | 'pretty' = 'json';
}
