import { defaults } from '../defaults.js';
import { redactUrl } from '../forward/redact-url.js';

/** Why a destination most likely refused a delivery `listen` signed and POSTed. */
export type RefusalCause = 'redirect' | 'secret' | 'path' | 'too_large' | 'other';

/** What `listen` knows when a delivery is refused, to say what to do about it. */
export interface RefusalContext {
  /** The destination, printed without its credentials or query. */
  forwardTo: string;
  /** The answer's `Location` (a 3xx), as sent: relative or absolute. */
  location?: string | null | undefined;
  /**
   * Where the secret `listen` signs with came from (`--secret`, `WORKOS_WEBHOOK_SECRET`, serve's
   * development secret): named when the answer looks like a signature check that failed.
   */
  secretSource?: string | undefined;
}

/** The likely cause of a refusal (a 3xx, or a 4xx other than 429), by its status. */
export function refusalCause(status: number): RefusalCause {
  if (status >= 300 && status < 400) return 'redirect';
  // 401/403 from a receiver that checks the signature (workos-inbox's, the SDK's examples that
  // answer 401); 400/422 from the examples that answer every constructEvent failure with 400.
  if ([400, 401, 403, 422].includes(status)) return 'secret';
  if (status === 404 || status === 405) return 'path';
  if (status === 413) return 'too_large';
  return 'other';
}

/** What to do about a refusal of `cause`: one sentence, printed once per cause and at the end. */
export function refusalAdvice(cause: RefusalCause, context: RefusalContext): string {
  switch (cause) {
    case 'redirect': {
      const target = resolveLocation(context.location, context.forwardTo);
      return `a redirect is not followed (it would turn the POST into a GET without the event): point --forward-to at the URL it redirects to${target ? ` (${target})` : ''}`;
    }
    case 'secret':
      return `most likely the endpoint checks the signature with another secret than the one listen signs with (${context.secretSource ?? 'its secret'}): give listen the endpoint's secret with --secret or ${defaults.secret.env}`;
    case 'path':
      return `nothing takes webhooks at ${redactUrl(context.forwardTo)}: check the path in --forward-to (serve's is ${defaults.path.value}, or ${defaults.path.env})`;
    case 'too_large':
      return "the event is larger than the endpoint's body limit: raise the limit";
    case 'other':
      return 'the endpoint refused it: its logs say why';
  }
}

function resolveLocation(location: string | null | undefined, base: string): string | undefined {
  if (!location) return undefined;
  try {
    return redactUrl(new URL(location, base).href);
  } catch {
    return undefined;
  }
}
