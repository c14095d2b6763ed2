import type { IncomingMessage, ServerResponse } from 'node:http';
import { GitProcesses } from './GitProcesses';

export interface CgiRequest {
  /** GIT_PROJECT_ROOT: the folder that holds the bare repositories */
  readonly projectRoot: string;
  /** the repository's folder under the root, then `/info/refs`, `/git-upload-pack`, … */
  readonly pathInfo: string;
  /** the authenticated user's name (git http-backend allows receive-pack only with one) */
  readonly remoteUser: string;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
}

// CGI's end of the headers: a blank line, with or without carriage returns
const HEADER_END = /\r?\n\r?\n/;
const MAX_HEADER_BYTES = 64 * 1024;

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Runs `git http-backend` as a CGI program for one request: the request body goes to its input,
 * its CGI headers (`Status:` included) become the HTTP answer's, the rest streams to the client.
 * Resolves with the status once git has ended and all its output is written, leaving the
 * response open, so that the caller can act on what git did before the client sees the end.
 */
export function runHttpBackend(
  git: GitProcesses,
  cgi: CgiRequest,
): Promise<number> {
  const { request, response } = cgi;
  const url = new URL(request.url ?? '/', 'http://sandbox');
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: cgi.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: cgi.pathInfo,
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REQUEST_METHOD: request.method ?? 'GET',
    REMOTE_USER: cgi.remoteUser,
    REMOTE_ADDR: request.socket.remoteAddress ?? '127.0.0.1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${request.httpVersion}`,
  };
  const optional: Array<[string, string | undefined]> = [
    ['CONTENT_TYPE', header(request, 'content-type')],
    // without it, git reads the body to its end (chunked requests)
    ['CONTENT_LENGTH', header(request, 'content-length')],
    ['HTTP_CONTENT_ENCODING', header(request, 'content-encoding')],
    // protocol v2, which git clients ask for with this header
    ['HTTP_GIT_PROTOCOL', header(request, 'git-protocol')],
  ];
  for (const [name, value] of optional) if (value) env[name] = value;

  return new Promise((resolve, reject) => {
    const child = git.spawn(['http-backend'], { env });
    let head: Buffer | undefined = Buffer.alloc(0);
    let status = 200;
    const stderr: Buffer[] = [];

    const writeHead = (raw: string) => {
      const headers: Record<string, string> = {};
      for (const line of raw.split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon === -1) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status')
          status = Number.parseInt(value, 10);
        else headers[name] = value;
      }
      response.writeHead(status, headers);
    };

    const stdout = child.stdout!;
    // a slow client slows git down instead of filling memory with a large pack
    const forward = (chunk: Buffer) => {
      if (!response.write(chunk)) {
        stdout.pause();
        response.once('drain', () => stdout.resume());
      }
    };
    stdout.on('data', (chunk: Buffer) => {
      if (head === undefined) {
        forward(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const text = head.toString('latin1');
      const end = HEADER_END.exec(text);
      if (!end) {
        if (head.length > MAX_HEADER_BYTES) child.kill('SIGKILL');
        return;
      }
      writeHead(text.slice(0, end.index));
      const body = head.subarray(end.index + end[0].length);
      head = undefined;
      if (body.length > 0) forward(body);
    });
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', code => {
      if (head !== undefined) {
        // git ended without an answer: a request it could not serve
        reject(
          new Error(
            `git http-backend ended (${code}) without an answer: ${Buffer.concat(
              stderr,
            )
              .toString()
              .trim()}`,
          ),
        );
        return;
      }
      resolve(status);
    });
    request.pipe(child.stdin!);
    // a client that goes away leaves nothing to answer
    response.once('close', () => {
      if (!response.writableFinished) child.kill('SIGKILL');
    });
  });
}
