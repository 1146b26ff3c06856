import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from './cli-command.js';

export interface ApiClientOptions {
  /** --url; else XREASON_OPERATOR_URL; else what a local operator wrote to <stateDir>/operator-url; else :7070. */
  readonly url?: string;
  readonly stateDir: string;
}

export const DEFAULT_OPERATOR_URL = 'http://127.0.0.1:7070';

/**
 * The operator's REST API as the CLI uses it: bearer token from XREASON_API_TOKEN or the token file a
 * local operator generated, and errors a user can act on (not running, refused token, bad manifest).
 */
export class ApiClient {
  readonly baseUrl: string;
  private readonly stateDir: string;

  constructor(options: ApiClientOptions) {
    this.stateDir = options.stateDir;
    const written = join(options.stateDir, 'operator-url');
    this.baseUrl = (
      options.url ??
      process.env.XREASON_OPERATOR_URL ??
      (existsSync(written) ? readFileSync(written, 'utf8').trim() : DEFAULT_OPERATOR_URL)
    ).replace(/\/+$/, '');
  }

  async request<T>(method: string, path: string, body?: { text: string; contentType: string }): Promise<T> {
    const url = `${this.baseUrl}/api/v1${path}`;
    const token = this.token(); // its own error: a missing token is not an unreachable operator
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(body ? { 'content-type': body.contentType } : {}),
        },
        ...(body ? { body: body.text } : {}),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new UserError(`the operator is not reachable at ${this.baseUrl} (${cause}); start it with "xreason up"`);
    }
    const text = await response.text();
    let payload: unknown;
    try {
      payload = text ? JSON.parse(text) : undefined;
    } catch {
      payload = text;
    }
    if (response.ok) return payload as T;
    throw new UserError(this.describeFailure(response.status, payload));
  }

  private describeFailure(status: number, payload: unknown): string {
    const body = (payload ?? {}) as { message?: unknown; problems?: { path: string; message: string }[] };
    const message =
      typeof body.message === 'string'
        ? body.message
        : Array.isArray(body.message)
          ? body.message.join('; ')
          : `HTTP ${status}`;
    if (status === 401)
      return `the operator at ${this.baseUrl} refused the API token; set XREASON_API_TOKEN or check ${join(this.stateDir, 'api-token')}`;
    return message;
  }

  private token(): string {
    const fromEnv = process.env.XREASON_API_TOKEN?.trim();
    if (fromEnv) return fromEnv;
    const file = join(this.stateDir, 'api-token');
    if (existsSync(file)) return readFileSync(file, 'utf8').trim();
    throw new UserError(
      `no API token: set XREASON_API_TOKEN, or point --state-dir at the local platform's state (${file} is missing; start it with "xreason up")`,
    );
  }
}
