// The identity check in front of every HTTP route but the operational ones (/health, /ready, /metrics).
import type { NextFunction, Request, Response } from 'express';
import { GraphQLError } from 'graphql';
import { isDomainError } from '../errors.js';
import { IDENTITY_HEADER, type IdentitySigner } from '../identity.js';
import { requestIdFrom } from '../request-id.js';

/**
 * Refuses any request without a valid signed identity: direct calls to a subgraph reveal nothing. Exported for
 * a subgraph's own HTTP routes (`SubgraphSpec.routes`), which the gateway forwards with the same identity.
 * Leaves `res.locals.identity` and `res.locals.requestId` for what follows.
 */
export function requireIdentity(signer: IdentitySigner) {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.locals.requestId = requestIdFrom(req);
    const token = req.header(IDENTITY_HEADER);
    try {
      if (!token) throw new GraphQLError('missing identity', { extensions: { code: 'UNAUTHENTICATED' } });
      res.locals.identity = await signer.verify(token);
      next();
    } catch (e) {
      const message = isDomainError(e) || e instanceof GraphQLError ? e.message : 'invalid identity';
      res.status(401).json({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
    }
  };
}
