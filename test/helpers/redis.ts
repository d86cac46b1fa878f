/**
 * Redis for the suites that need it (rate limits shared through Redis): REDIS_URL, else the
 * development machines' 127.0.0.1:6379, started here when it is not running. When it cannot be
 * had, the suites skip with a visible notice, never silently.
 */
import { execFileSync } from 'node:child_process';

function answers(port: string): boolean {
  try {
    return execFileSync('redis-cli', ['-p', port, 'ping'], { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim() === 'PONG';
  } catch {
    return false;
  }
}

function findOrStartRedis(): string | undefined {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  if (answers('6379')) return 'redis://127.0.0.1:6379';
  try {
    execFileSync('redis-server', ['--daemonize', 'yes', '--port', '6379', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      timeout: 10_000,
      stdio: 'ignore',
    });
  } catch {
    return undefined;
  }
  for (let i = 0; i < 50; i++) {
    if (answers('6379')) return 'redis://127.0.0.1:6379';
    execFileSync('sleep', ['0.1']);
  }
  return undefined;
}

/** The URL of a Redis that answers, or undefined (and a notice) when none can be had. */
export const redisUrl = findOrStartRedis();

if (!redisUrl) {
  console.warn('\n*** NOTICE: no Redis answers and redis-server could not be started: the Redis suites are SKIPPED. ***\n');
}
