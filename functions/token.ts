import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { fromApiGateway } from '../lib/http/request';
import { runtime } from '../lib/runtime';
import { handleTokenRequest } from '../lib/token-endpoint';

/** POST /oauth2/token */
export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
  handleTokenRequest(fromApiGateway(event), {
    config: runtime.config(),
    clients: runtime.clientLookup(),
    keyRing: runtime.keyRing(),
    audit: runtime.audit(),
  });
