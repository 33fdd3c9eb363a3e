/** What `explain` and `doctor` report: plain-words checks and findings, printable or JSON. */
import type { DenyReason } from '../../../lib/authorizer/reasons';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** One check of `explain`, in the order the authorizer runs them. */
export interface ExplainCheck {
  /** structure | header | claims | issuer | audience | times | signature | revocation | route | scopes */
  name: string;
  status: CheckStatus;
  /** Plain words: what was found and why it passes or fails. */
  detail: string;
  /** The authorizer's reason code when this check fails. */
  reason?: DenyReason;
  /** Extra lines (when and by whom, key dates, hints). */
  notes?: string[];
  /** The check whose failure is the verdict's reason (the first failure, where the authorizer stops). */
  decisive?: boolean;
}

export interface ExplainVerdict {
  effect: 'allow' | 'deny';
  /** The one reason code the authorizer logs (lib/authorizer/reasons.ts), or `allowed`. */
  reason: DenyReason | 'allowed';
  /** The HTTP status API Gateway answers with (200, 401 or 403). */
  status: 200 | 401 | 403;
  /** `METHOD /path` the decision is for; null when no --route was given (token checks only). */
  route: string | null;
  /** One sentence. */
  summary: string;
}

export interface Explanation {
  /** Decoded without trusting it; no signature, never the token. */
  token: { header?: Record<string, unknown>; claims?: Record<string, unknown> };
  /** The signing key the token names: in the trusted JWKS or not, and its state in the key store. */
  key?: { kid: string; in_jwks: boolean; state: 'next' | 'active' | 'previous' | 'retired' | 'unknown' };
  checks: ExplainCheck[];
  verdict: ExplainVerdict;
  /** Where the keys came from, clock used, caveats. */
  notes: string[];
}

export type Severity = 'error' | 'warning' | 'info' | 'ok';

/** One result of `doctor`: a problem with its fix, or a check that passed. */
export interface Finding {
  /** Stable id, e.g. `routes.undeclared-scope`, `keys.signer-mismatch`. */
  id: string;
  severity: Severity;
  message: string;
  /** What to do about it (errors and warnings). */
  fix?: string;
}

export interface DoctorReport {
  target: { stage: string; local: boolean; region: string };
  findings: Finding[];
  errors: number;
  warnings: number;
}
