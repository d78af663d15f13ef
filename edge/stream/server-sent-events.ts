/** One dispatched Server-Sent Event: its type (`message` when unnamed) and its data lines joined by `\n`. */
export interface ServerSentEvent {
  event: string;
  data: string;
}

/** Frames one event as text/event-stream (`event:` line, one `data:` line per line of data, blank line). */
export function formatServerSentEvent(event: string, data: string): string {
  const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`);
  return `event: ${event}\n${lines.join('\n')}\n\n`;
}

/**
 * Cuts a text/event-stream into complete event blocks, each the exact text up to and including the
 * blank line that ends it (LF, CRLF or CR line endings, per the HTML standard). Text after the last
 * blank line is held until the rest arrives, so a relay can forward whole events only and never
 * leave a client holding half of one.
 */
export function createEventStreamSplitter(): { push(text: string): string[]; pending(): string } {
  let buffer = '';
  return {
    push(text) {
      buffer += text;
      const blocks: string[] = [];
      const terminator = /\r\n|\r|\n/g;
      let blockStart = 0;
      let lineStart = 0;
      for (let match = terminator.exec(buffer); match; match = terminator.exec(buffer)) {
        // A CR at the very end may be the first half of a CRLF that the next chunk completes.
        if (match[0] === '\r' && match.index === buffer.length - 1) break;
        const next = match.index + match[0].length;
        if (match.index === lineStart) {
          blocks.push(buffer.slice(blockStart, next));
          blockStart = next;
        }
        lineStart = next;
      }
      buffer = buffer.slice(blockStart);
      return blocks;
    },
    pending: () => buffer,
  };
}

/**
 * Parses one block from {@link createEventStreamSplitter} as an EventSource would: comments and
 * unknown fields ignored, one leading space stripped from values. Null when the block dispatches
 * nothing (no `data` field).
 */
export function parseServerSentEvent(block: string): ServerSentEvent | null {
  let event = '';
  const data: string[] = [];
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  return { event: event || 'message', data: data.join('\n') };
}
