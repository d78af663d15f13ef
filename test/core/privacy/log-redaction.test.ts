import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { personalDataLogRedaction, redactPersonalDataDeep } from '../../../core/privacy/log-redaction.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe('personalDataLogRedaction', () => {
  it('redacts fields, nested values, the message and interpolation arguments of real pino lines', async () => {
    const { lines, stream } = capture();
    const logger = pino({ ...personalDataLogRedaction(), redact: { paths: ['token'], censor: '[redacted]' } }, stream);
    logger.info(
      { query: 'email me at jane@example.com', nested: { list: ['call 555-123-4567', 42] }, token: 'secret', amount: 200000 },
      'question from %s about card 4111 1111 1111 1111',
      'bob@example.org',
    );
    logger.warn('plain message with SSN 123-45-6789');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(2);
    const [first, second] = lines;
    expect(first).toMatchObject({
      query: 'email me at [email]',
      nested: { list: ['call [phone]', 42] },
      token: '[redacted]',
      amount: 200000,
      msg: 'question from [email] about card [card]',
    });
    expect(second?.msg).toBe('plain message with SSN [ssn]');
    expect(JSON.stringify(lines)).not.toMatch(/jane@|bob@|4111|6789|555-123/);
  });

  it('leaves lines without personal data unchanged', async () => {
    const { lines, stream } = capture();
    const logger = pino(personalDataLogRedaction(), stream);
    logger.info({ route: '/v1/advice', status: 200, ms: 12.5 }, 'advice served for a $200,000 home, 620 score');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toMatchObject({ route: '/v1/advice', status: 200, ms: 12.5, msg: 'advice served for a $200,000 home, 620 score' });
  });
});

describe('redactPersonalDataDeep', () => {
  it('copies without mutating, handles errors, cycles and depth', () => {
    const input: Record<string, unknown> = { a: 'x@y.com', n: 1, ok: true, nil: null };
    input.self = input;
    const error = new Error('failed for 555-123-4567');
    const out = redactPersonalDataDeep({ input, error, deep: { a: { b: { c: { d: { e: { f: { g: { h: 'x@y.com' } } } } } } } } }) as Record<string, any>;
    expect(input.a).toBe('x@y.com');
    expect(out.input.a).toBe('[email]');
    expect(out.input.self).toBe('[circular]');
    expect(out.input.n).toBe(1);
    expect(out.error).toMatchObject({ type: 'Error', message: 'failed for [phone]' });
    expect(JSON.stringify(out)).not.toContain('x@y.com');
  });

  it('keeps a value that appears twice (not a cycle)', () => {
    const shared = { email: 'a@b.io' };
    expect(redactPersonalDataDeep({ one: shared, two: shared })).toEqual({ one: { email: '[email]' }, two: { email: '[email]' } });
  });
});
