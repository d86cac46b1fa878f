/** Secret-looking query parameters never reach the log (src/server/redact-url.ts). */
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/server/redact-url.js';

describe('redactUrl', () => {
  it('replaces the values of accessKey, access_key, key, token and the like, in any case', () => {
    expect(redactUrl('/v1/companies?accessKey=gsk_abc_def')).toBe('/v1/companies?accessKey=[REDACTED]');
    expect(redactUrl('/v1/companies?pageSize=5&ACCESS_KEY=s3cret&pageNumber=2')).toBe('/v1/companies?pageSize=5&ACCESS_KEY=[REDACTED]&pageNumber=2');
    expect(redactUrl('/x?Key=1&TOKEN=2&api-key=3&access-token=4&password=5&Secret=6')).toBe(
      '/x?Key=[REDACTED]&TOKEN=[REDACTED]&api-key=[REDACTED]&access-token=[REDACTED]&password=[REDACTED]&Secret=[REDACTED]',
    );
    // Escaped names are judged decoded; a name without a value gets one that hides nothing.
    expect(redactUrl('/x?access%4Bey=abc&accessKey')).toBe('/x?access%4Bey=[REDACTED]&accessKey=[REDACTED]');
  });

  it('leaves everything else as it was', () => {
    for (const url of ['/v1/companies', '/v1/companies?pageSize=25&pageNumber=3', '/x?keys=1&monkey=2&tokens=3', '/x?a=%E0%A4%A', '/x?']) {
      expect(redactUrl(url)).toBe(url);
    }
  });
});
