/**
 * The settings of metrics and log format: where /metrics is served (nowhere by default), which
 * log format applies (pretty only for a terminal unless chosen), and the start-time refusals
 * that name the setting.
 */
import { describe, expect, it } from 'vitest';
import { chooseLogFormat } from '../../src/cli/logger.js';
import { ConfigError, loadServeConfig } from '../../src/config.js';

describe('metrics settings', () => {
  it('are off by default and when GS_METRICS is 0 or empty', () => {
    expect(loadServeConfig({}).metrics).toEqual({ on: 'off' });
    expect(loadServeConfig({ GS_METRICS: '0' }).metrics).toEqual({ on: 'off' });
    expect(loadServeConfig({ GS_METRICS: '' }).metrics).toEqual({ on: 'off' });
  });

  it('--metrics or GS_METRICS=1 serve them on the API port', () => {
    expect(loadServeConfig({}, { metrics: true }).metrics).toEqual({ on: 'api' });
    expect(loadServeConfig({ GS_METRICS: '1' }).metrics).toEqual({ on: 'api' });
    expect(loadServeConfig({ GS_METRICS: 'TRUE' }).metrics).toEqual({ on: 'api' });
  });

  it('a metrics port serves them there instead (the flag over the environment)', () => {
    expect(loadServeConfig({ GS_METRICS_PORT: '9464' }).metrics).toEqual({ on: 'port', port: 9464 });
    expect(loadServeConfig({ GS_METRICS_PORT: '9464', GS_METRICS: '1' }, { metricsPort: '9100' }).metrics).toEqual({ on: 'port', port: 9100 });
    expect(loadServeConfig({}, { metricsPort: '0', port: '0' }).metrics).toEqual({ on: 'port', port: 0 });
  });

  it('refuses bad values by name', () => {
    expect(() => loadServeConfig({ GS_METRICS: 'maybe' })).toThrow(new ConfigError('GS_METRICS must be 1 or 0 (true or false), got "maybe"'));
    expect(() => loadServeConfig({ GS_METRICS_PORT: 'http' })).toThrow(/GS_METRICS_PORT \(--metrics-port\) must be an integer from 0 to 65535, got "http"/);
    expect(() => loadServeConfig({ GS_METRICS_PORT: '70000' })).toThrow(/GS_METRICS_PORT/);
    expect(() => loadServeConfig({ PORT: '9000' }, { metricsPort: '9000' })).toThrow(/must differ from the API port 9000/);
  });
});

describe('log format', () => {
  it('is JSON unless stdout is a terminal, and a choice wins either way', () => {
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  it('is read from --log-format or LOG_FORMAT, and refused when unknown', () => {
    expect(loadServeConfig({}).logFormat).toBeUndefined();
    expect(loadServeConfig({ LOG_FORMAT: 'PRETTY' }).logFormat).toBe('pretty');
    expect(loadServeConfig({ LOG_FORMAT: 'pretty' }, { logFormat: 'json' }).logFormat).toBe('json');
    expect(() => loadServeConfig({ LOG_FORMAT: 'text' })).toThrow(new ConfigError('LOG_FORMAT (--log-format) must be json or pretty, got "text"'));
  });
});
