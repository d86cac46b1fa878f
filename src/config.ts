/**
 * Configuration from the environment and command-line flags (flags win). Anything unsupported
 * fails at start with a message naming the setting, never later at request time.
 */
import { parseCorsOrigins, type CorsOrigins } from './server/cors-origins.js';
import type { DateFormat, PicklistValues } from './domain/nxt/present.js';
import type { SqliteSynchronous } from './store/sqlite.js';
import { DEFAULT_JOURNAL_OPTIONS, type JournalOptions } from './domain/sandbox/journal.js';
import { parseRateLimit, type RateLimitPolicy } from './domain/rate-limits.js';
import { DEFAULT_LIMITS, type ServerLimits } from './server/limits.js';

export const DEFAULT_DATABASE_URL = 'sqlite:./data/gainsight.db';

export interface DatabaseConfig {
  readonly databaseUrl: string;
  /** The tenant's schema file (custom objects and fields), if any. */
  readonly schemaFile?: string;
  readonly poolSize: number;
  readonly statementTimeoutMs: number;
  readonly sqliteSynchronous: SqliteSynchronous;
}

export interface ServeConfig extends DatabaseConfig {
  readonly host: string;
  readonly port: number;
  readonly accessKey?: string;
  readonly logLevel: string;
  readonly demo: boolean;
  /** How the NXT surface writes DATE and DATETIME values. */
  readonly nxtDateFormat: DateFormat;
  /** How the NXT surface reads picklist values: their labels, or their Gsids as Gainsight does. */
  readonly picklistValues: PicklistValues;
  /** Where GET /metrics is served: nowhere, on the API port (with a key), or on its own port. */
  readonly metrics: MetricsExposure;
  /** `json` lines, or `pretty` for people; undefined: pretty when stdout is a terminal. */
  readonly logFormat?: LogFormat;
  /** Origins allowed to call cross-origin; undefined: CORS off. */
  readonly corsOrigins?: CorsOrigins;
  /** The sandbox controls (--sandbox): their journal's bounds; undefined: no sandbox (the default). */
  readonly sandbox?: { readonly journal: JournalOptions };
  /** How many days the audit trail of writes keeps its entries. */
  readonly auditRetentionDays: number;
  /** Sizes, timeouts and the bound on heavy requests. */
  readonly limits: ServerLimits;
  /** Calls allowed per access key; undefined: no limit (the default). */
  readonly rateLimit?: RateLimitPolicy;
  /** Where the rate-limit counters live when set; else in the database. */
  readonly redisUrl?: string;
}

export type MetricsExposure = { readonly on: 'off' } | { readonly on: 'api' } | { readonly on: 'port'; readonly port: number };

export type LogFormat = 'json' | 'pretty';

/** Flag values as commander hands them over (strings, booleans, or absent). */
export interface ConfigFlags {
  readonly port?: string;
  readonly host?: string;
  readonly db?: string;
  readonly logLevel?: string;
  readonly poolSize?: string;
  readonly statementTimeout?: string;
  readonly sqliteSynchronous?: string;
  readonly demo?: boolean;
  readonly nxtDateFormat?: string;
  readonly schema?: string;
  readonly picklistValues?: string;
  readonly metrics?: boolean;
  readonly metricsPort?: string;
  readonly logFormat?: string;
  readonly corsOrigin?: string;
  readonly sandbox?: boolean;
  readonly sandboxJournalMax?: string;
  readonly sandboxJournalMaxAge?: string;
  readonly sandboxJournalBodyLimit?: string;
  readonly auditRetentionDays?: string;
  readonly rateLimit?: string;
  readonly redisUrl?: string;
  readonly maxHeaderSize?: string;
  readonly maxUrlLength?: string;
  readonly requestTimeout?: string;
  readonly headersTimeout?: string;
  readonly keepAliveTimeout?: string;
  readonly connectionTimeout?: string;
  readonly maxHeavyRequests?: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integerSetting(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

export function loadDatabaseConfig(env: NodeJS.ProcessEnv, flags: ConfigFlags = {}): DatabaseConfig {
  const synchronous = (flags.sqliteSynchronous ?? env.SQLITE_SYNCHRONOUS ?? 'full').toLowerCase();
  if (synchronous !== 'full' && synchronous !== 'normal') {
    throw new ConfigError(`SQLITE_SYNCHRONOUS must be full or normal, got ${JSON.stringify(synchronous)}`);
  }
  return {
    databaseUrl: flags.db ?? (env.DATABASE_URL || DEFAULT_DATABASE_URL),
    schemaFile: flags.schema ?? (env.GS_SCHEMA || undefined),
    poolSize: integerSetting('DB_POOL_SIZE (--pool-size)', flags.poolSize ?? env.DB_POOL_SIZE, 10, 1, 1000),
    statementTimeoutMs: integerSetting(
      'DB_STATEMENT_TIMEOUT_MS (--statement-timeout)',
      flags.statementTimeout ?? env.DB_STATEMENT_TIMEOUT_MS,
      30_000,
      0,
      3_600_000,
    ),
    sqliteSynchronous: synchronous,
  };
}

export function loadServeConfig(env: NodeJS.ProcessEnv, flags: ConfigFlags = {}): ServeConfig {
  const logLevel = (flags.logLevel ?? env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  }
  const accessKey = env.GS_ACCESS_KEY || undefined;
  const nxtDateFormat = (flags.nxtDateFormat ?? env.GS_NXT_DATE_FORMAT ?? 'iso').toLowerCase();
  if (nxtDateFormat !== 'iso' && nxtDateFormat !== 'epoch') {
    throw new ConfigError(`GS_NXT_DATE_FORMAT (--nxt-date-format) must be iso or epoch, got ${JSON.stringify(nxtDateFormat)}`);
  }
  const picklistValues = (flags.picklistValues ?? env.GS_PICKLIST_VALUES ?? 'label').toLowerCase();
  if (picklistValues !== 'label' && picklistValues !== 'gsid') {
    throw new ConfigError(`GS_PICKLIST_VALUES (--picklist-values) must be label or gsid, got ${JSON.stringify(picklistValues)}`);
  }
  const port = integerSetting('PORT (--port)', flags.port ?? env.PORT, 8080, 0, 65535);
  const logFormat = (flags.logFormat ?? env.LOG_FORMAT ?? '').toLowerCase();
  if (logFormat !== '' && logFormat !== 'json' && logFormat !== 'pretty') {
    throw new ConfigError(`LOG_FORMAT (--log-format) must be json or pretty, got ${JSON.stringify(logFormat)}`);
  }
  return {
    ...loadDatabaseConfig(env, flags),
    host: flags.host ?? (env.HOST || '127.0.0.1'),
    port,
    accessKey,
    logLevel,
    demo: flags.demo ?? false,
    nxtDateFormat,
    picklistValues,
    metrics: metricsExposure(env, flags, port),
    ...(logFormat ? { logFormat: logFormat as LogFormat } : {}),
    corsOrigins: corsSetting(flags.corsOrigin ?? env.GS_CORS_ORIGIN),
    ...sandboxSettings(env, flags),
    auditRetentionDays: integerSetting('GS_AUDIT_RETENTION_DAYS (--audit-retention-days)', flags.auditRetentionDays ?? env.GS_AUDIT_RETENTION_DAYS, 90, 1, 36500),
    limits: limitSettings(env, flags),
    ...rateLimitSettings(env, flags),
  };
}

function corsSetting(raw: string | undefined): CorsOrigins | undefined {
  try {
    return parseCorsOrigins(raw);
  } catch (error) {
    throw new ConfigError(`GS_CORS_ORIGIN (--cors-origin) ${(error as Error).message}`);
  }
}

const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['', '0', 'false', 'no', 'off'];

/** `--metrics-port` (GS_METRICS_PORT) alone enables metrics: a scraper's port needs no key. */
function metricsExposure(env: NodeJS.ProcessEnv, flags: ConfigFlags, apiPort: number): MetricsExposure {
  const rawPort = flags.metricsPort ?? env.GS_METRICS_PORT;
  if (rawPort !== undefined && rawPort !== '') {
    const port = integerSetting('GS_METRICS_PORT (--metrics-port)', rawPort, 0, 0, 65535);
    if (port !== 0 && port === apiPort) {
      throw new ConfigError(`GS_METRICS_PORT (--metrics-port) must differ from the API port ${apiPort}: metrics on the API port need --metrics alone`);
    }
    return { on: 'port', port };
  }
  if (flags.metrics) return { on: 'api' };
  const enabled = (env.GS_METRICS ?? '').toLowerCase();
  if (TRUE_WORDS.includes(enabled)) return { on: 'api' };
  if (FALSE_WORDS.includes(enabled)) return { on: 'off' };
  throw new ConfigError(`GS_METRICS must be 1 or 0 (true or false), got ${JSON.stringify(env.GS_METRICS)}`);
}

function rateLimitSettings(env: NodeJS.ProcessEnv, flags: ConfigFlags): Pick<ServeConfig, 'rateLimit' | 'redisUrl'> {
  let rateLimit: RateLimitPolicy | undefined;
  try {
    rateLimit = parseRateLimit(flags.rateLimit ?? env.GS_RATE_LIMIT ?? 'off');
  } catch (error) {
    throw new ConfigError(`GS_RATE_LIMIT (--rate-limit): ${(error as Error).message}`);
  }
  const redisUrl = flags.redisUrl ?? (env.REDIS_URL || undefined);
  if (redisUrl !== undefined && !/^rediss?:\/\/[^/]/.test(redisUrl)) {
    throw new ConfigError(`REDIS_URL (--redis-url) must be a redis:// or rediss:// URL, got ${JSON.stringify(redisUrl)}`);
  }
  return { ...(rateLimit ? { rateLimit } : {}), ...(redisUrl ? { redisUrl } : {}) };
}

/** Each limit: its environment variable, flag, default and accepted range (see limits.ts). */
function limitSettings(env: NodeJS.ProcessEnv, flags: ConfigFlags): ServerLimits {
  const setting = (envName: string, flag: keyof ConfigFlags, fallback: number, min: number, max: number) =>
    integerSetting(`${envName} (--${flag.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())})`, (flags[flag] as string | undefined) ?? env[envName], fallback, min, max);
  const limits: ServerLimits = {
    ...DEFAULT_LIMITS,
    maxHeaderSize: setting('GS_MAX_HEADER_SIZE', 'maxHeaderSize', DEFAULT_LIMITS.maxHeaderSize, 1024, 1024 * 1024),
    maxUrlLength: setting('GS_MAX_URL_LENGTH', 'maxUrlLength', DEFAULT_LIMITS.maxUrlLength, 256, 1024 * 1024),
    requestTimeoutMs: setting('GS_REQUEST_TIMEOUT_MS', 'requestTimeout', DEFAULT_LIMITS.requestTimeoutMs, 0, 3_600_000),
    headersTimeoutMs: setting('GS_HEADERS_TIMEOUT_MS', 'headersTimeout', DEFAULT_LIMITS.headersTimeoutMs, 100, 3_600_000),
    keepAliveTimeoutMs: setting('GS_KEEP_ALIVE_TIMEOUT_MS', 'keepAliveTimeout', DEFAULT_LIMITS.keepAliveTimeoutMs, 100, 3_600_000),
    connectionTimeoutMs: setting('GS_CONNECTION_TIMEOUT_MS', 'connectionTimeout', DEFAULT_LIMITS.connectionTimeoutMs, 0, 3_600_000),
    maxHeavyRequests: setting('GS_MAX_HEAVY_REQUESTS', 'maxHeavyRequests', DEFAULT_LIMITS.maxHeavyRequests, 1, 100_000),
  };
  // Node refuses a headers timeout longer than the request timeout (the headers are part of it).
  if (limits.requestTimeoutMs > 0 && limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ConfigError(
      `GS_HEADERS_TIMEOUT_MS (--headers-timeout) must not exceed GS_REQUEST_TIMEOUT_MS (--request-timeout): ${limits.headersTimeoutMs} > ${limits.requestTimeoutMs}`,
    );
  }
  return limits;
}

/**
 * `--sandbox` (GS_SANDBOX=1) turns the sandbox controls on; the journal flags set its bounds and
 * mean nothing without it.
 */
function sandboxSettings(env: NodeJS.ProcessEnv, flags: ConfigFlags): { sandbox?: { journal: JournalOptions } } {
  const enabled = (env.GS_SANDBOX ?? '').toLowerCase();
  if (!TRUE_WORDS.includes(enabled) && !FALSE_WORDS.includes(enabled)) {
    throw new ConfigError(`GS_SANDBOX must be 1 or 0 (true or false), got ${JSON.stringify(env.GS_SANDBOX)}`);
  }
  if (!flags.sandbox && !TRUE_WORDS.includes(enabled)) return {};
  const defaults = DEFAULT_JOURNAL_OPTIONS;
  return {
    sandbox: {
      journal: {
        maxRecords: integerSetting('GS_SANDBOX_JOURNAL_MAX (--sandbox-journal-max)', flags.sandboxJournalMax ?? env.GS_SANDBOX_JOURNAL_MAX, defaults.maxRecords, 1, 10_000_000),
        maxAgeMs:
          1000 *
          integerSetting('GS_SANDBOX_JOURNAL_MAX_AGE (--sandbox-journal-max-age)', flags.sandboxJournalMaxAge ?? env.GS_SANDBOX_JOURNAL_MAX_AGE, defaults.maxAgeMs / 1000, 1, 365 * 86_400),
        bodyLimit: integerSetting('GS_SANDBOX_JOURNAL_BODY_LIMIT (--sandbox-journal-body-limit)', flags.sandboxJournalBodyLimit ?? env.GS_SANDBOX_JOURNAL_BODY_LIMIT, defaults.bodyLimit, 0, 1_048_576),
      },
    },
  };
}
