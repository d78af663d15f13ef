import type { Server } from 'node:http';
import type { ServerType } from '@hono/node-server';
import type { Duplex } from 'node:stream';
import { AppError, type ProblemCode } from '../../shared/errors/app-error.ts';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../../shared/errors/problem.ts';

const CODE_BY_PARSER_ERROR: Record<string, ProblemCode> = {
  HPE_HEADER_OVERFLOW: 'header-fields-too-large',
};

const DETAIL_BY_CODE: Partial<Record<ProblemCode, string>> = {
  'malformed-request': 'The request is not valid HTTP/1.1 (for example a Content-Length that does not match the body).',
  'header-fields-too-large': 'The request headers are too large.',
};

interface SocketWithMessage extends Duplex {
  _httpMessage?: { headersSent?: boolean } | null;
}

/**
 * The HTTP/1.1 problem+json answer for a request Node's parser refuses before Hono sees it.
 * Node's default answer is a bare `400 Bad Request` without a body.
 */
export function clientErrorResponse(error: NodeJS.ErrnoException): string {
  const code = CODE_BY_PARSER_ERROR[error.code ?? ''] ?? 'malformed-request';
  const problem = toProblem(new AppError(code, { detail: DETAIL_BY_CODE[code] }));
  const body = JSON.stringify(problem);
  return (
    `HTTP/1.1 ${problem.status} ${problem.title}\r\n` +
    `content-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
  );
}

/**
 * Answers requests the Node HTTP parser rejects (a Content-Length shorter than the body, bad
 * chunking, oversized headers) with RFC 9457 problem+json, as Hono answers everything else, then
 * closes the connection. Like Node's default it writes nothing once a response has started on the
 * socket, and only closes a socket the client already reset or a request that timed out.
 */
export function answerClientErrorsWithProblems(server: ServerType): void {
  // @hono/node-server serves HTTP/1.1 here (node:http); an HTTP/2 server emits no clientError.
  (server as Server).on('clientError', (error: NodeJS.ErrnoException, socket: SocketWithMessage) => {
    const replyable = error.code !== 'ECONNRESET' && error.code !== 'ERR_HTTP_REQUEST_TIMEOUT' && socket.writable && !socket._httpMessage?.headersSent;
    if (!replyable) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(error));
  });
}
