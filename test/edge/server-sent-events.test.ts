import { describe, expect, it } from 'vitest';
import { createEventStreamSplitter, formatServerSentEvent, parseServerSentEvent } from '../../edge/stream/server-sent-events.ts';

describe('createEventStreamSplitter', () => {
  it('returns each event once its blank line arrives, holding partial events across chunks', () => {
    const splitter = createEventStreamSplitter();
    expect(splitter.push('event: meta\ndata: {"a"')).toEqual([]);
    expect(splitter.pending()).toBe('event: meta\ndata: {"a"');
    expect(splitter.push(':1}\n')).toEqual([]);
    expect(splitter.push('\nevent: token\ndata: {"text":"x"}\n\nevent: do')).toEqual(['event: meta\ndata: {"a":1}\n\n', 'event: token\ndata: {"text":"x"}\n\n']);
    expect(splitter.pending()).toBe('event: do');
  });

  it('understands CRLF and CR line endings, including a CRLF split between chunks', () => {
    const splitter = createEventStreamSplitter();
    expect(splitter.push('data: one\r\n\r')).toEqual([]);
    expect(splitter.push('\ndata: two\r\r')).toEqual(['data: one\r\n\r\n']);
    expect(splitter.push('data: three')).toEqual(['data: two\r\r']);
    expect(splitter.push('\n\n')).toEqual(['data: three\n\n']);
  });

  it('keeps the exact text of every block, so joined blocks are the stream byte for byte', () => {
    const stream = ': comment\n\nevent: meta\ndata: {}\n\nevent: done\r\ndata: {"x":1}\r\n\r\n';
    const splitter = createEventStreamSplitter();
    const blocks = [...stream].flatMap((character) => splitter.push(character));
    expect(blocks.join('')).toBe(stream);
    expect(splitter.pending()).toBe('');
  });
});

describe('parseServerSentEvent', () => {
  it('reads the event type and joins data lines, as an EventSource does', () => {
    expect(parseServerSentEvent('event: token\ndata: {"text":"a"}\n\n')).toEqual({ event: 'token', data: '{"text":"a"}' });
    expect(parseServerSentEvent('data:first\ndata:  second\n\n')).toEqual({ event: 'message', data: 'first\n second' });
    expect(parseServerSentEvent(': keep-alive\nid: 7\nretry: 10\nevent: done\ndata: {}\n\n')).toEqual({ event: 'done', data: '{}' });
  });

  it('dispatches nothing for a block without data', () => {
    expect(parseServerSentEvent(': just a comment\n\n')).toBeNull();
    expect(parseServerSentEvent('event: meta\n\n')).toBeNull();
    expect(parseServerSentEvent('\n')).toBeNull();
  });
});

describe('formatServerSentEvent', () => {
  it('frames an event that parses back to itself, multi-line data included', () => {
    expect(formatServerSentEvent('done', '{"a":1}')).toBe('event: done\ndata: {"a":1}\n\n');
    const framed = formatServerSentEvent('token', 'line one\nline two');
    expect(framed).toBe('event: token\ndata: line one\ndata: line two\n\n');
    expect(parseServerSentEvent(framed)).toEqual({ event: 'token', data: 'line one\nline two' });
  });
});
