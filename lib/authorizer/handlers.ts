/**
 * The three entry points over one Authorizer. RFC 6750 through API Gateway:
 *  - 401 (missing/invalid/expired/revoked token, internal error): throw `Unauthorized` → UNAUTHORIZED gateway response;
 *  - 403 (valid token, route not allowed): a policy that denies this request (explicitly) but still lists the
 *    token's other routes, so a cached result stays right; context.wwwAuthenticate feeds the ACCESS_DENIED response.
 * HTTP API: `httpApi` answers IAM policies (cache-safe), `httpApiSimple` answers `{isAuthorized, context}`.
 * Fail closed: nothing but an Allow decision ever yields an allowing answer.
 */
import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';
import type { Authorizer } from './decide';
import type { AuthzContext, AuthzRequest, Decision } from './types';
import { fromHttpApiEvent, fromRequestEvent, fromTokenEvent } from './events';

/** The exact message API Gateway turns into 401 UNAUTHORIZED. */
export const UNAUTHORIZED = 'Unauthorized';

export interface AuthorizerHandlers {
  token(event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult>;
  request(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult>;
  httpApi(event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewayAuthorizerResult>;
  httpApiSimple(event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerWithContextResult<Partial<AuthzContext>>>;
}

export interface HandlerDeps {
  /** Built on first use (cold start), then reused by every invocation of the container. */
  authorizer: () => Authorizer;
  /** Amortized audit flush after each decision (createAuditSink(...).maybeFlush); its failures never change a decision. */
  flush?: () => Promise<void>;
}

export function createAuthorizerHandlers(deps: HandlerDeps): AuthorizerHandlers {
  async function decide<E>(event: E, adapt: (e: E) => AuthzRequest): Promise<Decision> {
    let decision: Decision;
    try {
      decision = await deps.authorizer().decide(adapt(event));
    } catch {
      throw new Error(UNAUTHORIZED); // fail closed, even if the core itself could not be built
    }
    try {
      await deps.flush?.();
    } catch {
      // the sink has already fallen back to stdout; the decision stands
    }
    return decision;
  }

  function policyAnswer(d: Decision): APIGatewayAuthorizerResult {
    if (d.status === 401) throw new Error(UNAUTHORIZED);
    return { principalId: d.principalId, policyDocument: d.policy, context: d.context };
  }

  return {
    token: async (event) => policyAnswer(await decide(event, fromTokenEvent)),
    request: async (event) => policyAnswer(await decide(event, fromRequestEvent)),
    httpApi: async (event) => policyAnswer(await decide(event, fromHttpApiEvent)),
    httpApiSimple: async (event) => {
      const d = await decide(event, fromHttpApiEvent);
      if (d.status === 401) throw new Error(UNAUTHORIZED);
      return d.effect === 'Allow' ? { isAuthorized: true, context: d.context } : { isAuthorized: false, context: {} };
    },
  };
}
