import type { Command } from 'commander';
import { loadServeConfig, type ConfigFlags } from '../../config.js';
import { createAccessKeyService } from '../../domain/access-keys.js';
import { loadDemoData } from '../../seed/demo.js';
import { buildApp } from '../../server/app.js';
import { openRateCounter } from '../../server/rate-limit.js';
import { createMetrics, serveMetrics, type MetricsListener } from '../../server/metrics.js';
import { keepHeapSmall } from '../heap.js';
import { chooseLogFormat, createLogger } from '../logger.js';
import { redactUrl } from '../../store/database-url.js';
import { openStore } from '../../store/store.js';
import { loadTenantSchema } from '../../schema/files.js';

/** In-flight requests get this long to finish after SIGTERM/SIGINT before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

export function registerServeCommand(program: Command): void {
  program
    .command('serve', { isDefault: true })
    .description('serve the API (migrates the database first)')
    .option('--port <port>', 'port to listen on (env PORT; default 8080)')
    .option('--host <host>', 'address to bind (env HOST; default 127.0.0.1)')
    .option('--db <url>', 'database URL (env DATABASE_URL; default sqlite:./data/gainsight.db)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL; default info)')
    .option('--log-format <format>', 'json|pretty (env LOG_FORMAT; default pretty on a terminal, else json)')
    .option('--cors-origin <origins>', 'let browsers on these origins call the API: a comma list, or * (env GS_CORS_ORIGIN; default off)')
    .option('--audit-retention-days <days>', 'days the audit trail of writes keeps its entries (env GS_AUDIT_RETENTION_DAYS; default 90)')
    .option('--metrics', 'serve Prometheus metrics at GET /metrics on the API port, to any access key (env GS_METRICS=1)')
    .option('--metrics-port <port>', 'serve GET /metrics without a key on this port instead, e.g. for a scraper on a private network (env GS_METRICS_PORT)')
    .option('--pool-size <n>', 'PostgreSQL connection pool size (env DB_POOL_SIZE; default 10)')
    .option('--statement-timeout <ms>', 'PostgreSQL statement timeout in ms (env DB_STATEMENT_TIMEOUT_MS; default 30000)')
    .option('--sqlite-synchronous <mode>', 'full|normal (env SQLITE_SYNCHRONOUS; default full)')
    .option('--nxt-date-format <format>', 'iso|epoch: how the NXT surface writes dates (env GS_NXT_DATE_FORMAT; default iso)')
    .option('--picklist-values <mode>', 'label|gsid: how the NXT surface reads picklist values (env GS_PICKLIST_VALUES; default label)')
    .option('--schema <file>', 'schema file with custom objects and fields (env GS_SCHEMA)')
    .option('--rate-limit <limits>', 'calls per access key: off, gainsight (100/min,50000/day), or e.g. 600/min,100000/day (env GS_RATE_LIMIT; default off)')
    .option('--redis-url <url>', 'count rate limits in this Redis instead of the database (env REDIS_URL)')
    .option('--max-header-size <bytes>', 'request line and headers at most (env GS_MAX_HEADER_SIZE; default 16384)')
    .option('--max-url-length <chars>', 'request URL at most (env GS_MAX_URL_LENGTH; default 8192)')
    .option('--request-timeout <ms>', 'time to receive a whole request, 0 = none (env GS_REQUEST_TIMEOUT_MS; default 60000)')
    .option('--headers-timeout <ms>', 'time to receive the request headers (env GS_HEADERS_TIMEOUT_MS; default 20000)')
    .option('--keep-alive-timeout <ms>', 'idle kept-alive connections close after (env GS_KEEP_ALIVE_TIMEOUT_MS; default 72000)')
    .option('--connection-timeout <ms>', 'silent connections close after, 0 = never (env GS_CONNECTION_TIMEOUT_MS; default 120000)')
    .option('--max-heavy-requests <n>', 'reports and NXT queries running at once; more get 503 (env GS_MAX_HEAVY_REQUESTS; default 2 x CPU cores)')
    .option('--demo', 'load the demo data set (50 companies, 200 people) into an empty database', false)
    .option('--sandbox', 'serve the sandbox controls under /v1/_sandbox/ to admin keys: request journal, resets, snapshots, faults (env GS_SANDBOX=1; never in production)')
    .option('--sandbox-journal-max <n>', 'requests the sandbox journal keeps (env GS_SANDBOX_JOURNAL_MAX; default 10000)')
    .option('--sandbox-journal-max-age <seconds>', 'how long the sandbox journal keeps a request (env GS_SANDBOX_JOURNAL_MAX_AGE; default 86400)')
    .option('--sandbox-journal-body-limit <chars>', 'request and response bodies are journaled up to this size (env GS_SANDBOX_JOURNAL_BODY_LIMIT; default 8192)')
    .action((flags: ConfigFlags) => serve(flags));
}

async function serve(flags: ConfigFlags): Promise<void> {
  const config = loadServeConfig(process.env, flags);
  keepHeapSmall();
  const logger = await createLogger(config.logLevel, chooseLogFormat(config.logFormat, Boolean(process.stdout.isTTY)));
  // Made before the store, which reports each statement's duration to it.
  const metrics = config.metrics.on === 'off' ? undefined : createMetrics();
  const dbForLog = config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : redactUrl(config.databaseUrl);

  // A bad schema file stops the start here, before the database is touched.
  const schema = loadTenantSchema(config.schemaFile);
  const store = await openStore({
    url: config.databaseUrl,
    ...config,
    schema,
    onPoolError: (error) => logger.warn({ err: error }, 'idle database connection failed'),
    onQuery: metrics?.observeQuery,
  });
  const { applied } = await store.migrate();
  if (applied.length > 0) logger.info({ applied }, 'applied database migrations');

  if (config.demo) {
    const loaded = await loadDemoData(store);
    if (loaded) logger.info(loaded, 'loaded the demo data set');
    else logger.info('--demo: the database already holds records, so no demo data was loaded');
  }

  const accessKeys = createAccessKeyService(store.keys, {
    bootstrapKey: config.accessKey,
    onBackgroundError: (error) => logger.warn({ err: error }, 'could not record access key use'),
  });
  const firstKey = await accessKeys.createFirstKeyIfNone();
  if (config.accessKey && config.accessKey.length < 16) {
    logger.warn('GS_ACCESS_KEY is shorter than 16 characters; use a long random value outside of tests');
  }
  if (!config.accessKey && !firstKey && (await store.keys.countActive()) === 0) {
    logger.warn('no active access keys: every request will get 401. Create one: gainsight-api keys create --name NAME');
  }

  const rateLimit = config.rateLimit && {
    policy: config.rateLimit,
    counter: await openRateCounter(store, config.redisUrl, (error) => logger.warn({ err: error }, 'rate limit counters: a call was not counted')),
  };
  const app = await buildApp({
    limits: config.limits,
    ...(rateLimit ? { rateLimit } : {}),
    store,
    accessKeys,
    logger,
    nxtDateFormat: config.nxtDateFormat,
    picklistValues: config.picklistValues,
    corsOrigins: config.corsOrigins,
    audit: { retentionDays: config.auditRetentionDays },
    ...(metrics ? { metrics: { metrics, route: config.metrics.on === 'api' } } : {}),
    ...(config.sandbox ? { sandbox: { ...config.sandbox, databaseUrl: config.databaseUrl } } : {}),
  });
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ address, database: dbForLog }, 'gainsight-api listening');
  if (config.sandbox) logger.warn('--sandbox: admin keys can read the request journal, reset the records and inject faults under /v1/_sandbox/');
  let metricsListener: MetricsListener | undefined;
  if (metrics && config.metrics.on === 'port') {
    metricsListener = await serveMetrics(metrics, config.host, config.metrics.port);
    logger.info({ address: `${metricsListener.address}/metrics` }, 'metrics listening (no access key needed on this port)');
  }

  if (firstKey) {
    process.stdout.write(
      `\nNo access keys existed, so one was created. It is shown only this once; store it now:\n\n` +
        `    ${firstKey.key}\n\n` +
        `Try it:  curl -H "accessKey: ${firstKey.key}" ${address}/v1/companies\n\n`,
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.error('in-flight requests did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    // A keep-alive connection whose request finishes after the signal would otherwise stay open
    // until its client closes it; close connections as soon as they fall idle.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
    sweep.unref();
    app
      .close()
      .then(() => metricsListener?.close())
      .then(() => store.close())
      .then(() => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
