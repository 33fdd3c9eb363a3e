import type { AuditEvent } from '../audit/types';
import type { HttpRequest } from './request';

/** The audit fields every endpoint takes from the request. */
export const requestAuditFields = (req: HttpRequest): Pick<AuditEvent, 'source_ip' | 'user_agent' | 'request_id'> => ({
  source_ip: req.sourceIp,
  user_agent: req.userAgent?.slice(0, 256),
  request_id: req.requestId,
});
