import { type CanActivate, type ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { tokenMatches } from './api-token.js';

export const API_TOKEN = Symbol.for('@xreason/operator:api-token');

/** Bearer-token authentication for every `/api` route (probes and /metrics stay open, as Kubernetes expects). */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  constructor(@Inject(API_TOKEN) private readonly token: string) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const header = request.headers['authorization'];
    const value = Array.isArray(header) ? header[0] : header;
    const presented = value?.startsWith('Bearer ') ? value.slice('Bearer '.length).trim() : undefined;
    if (!tokenMatches(presented, this.token)) {
      throw new UnauthorizedException({ message: 'a valid API token is required (Authorization: Bearer <token>)' });
    }
    return true;
  }
}
