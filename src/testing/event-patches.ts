// What differs between events that share a data shape: a failed sign-in carries an error, a
// revoked session says so, and so on. Applied on top of the generic sample of the shape.
import type { KnownEventName } from '../events/index.js';
import type { SampleContext } from './sample-context.js';

type Patch = (data: Record<string, unknown>, ctx: SampleContext) => void;

const authTypes: Record<string, string> = {
  email_verification: 'email_verification',
  magic_auth: 'magic_auth',
  mfa: 'mfa',
  oauth: 'oauth',
  passkey: 'passkey',
  password: 'password',
  sso: 'sso',
};

const authentication: Patch = (data, ctx) => {
  const [, rest = ''] = ctx.event.split('.');
  const failed = rest.endsWith('_failed');
  const kind = rest.replace(/_(failed|succeeded|started|timed_out)$/, '');
  data.type = authTypes[kind] ?? 'sso';
  if (ctx.event === 'authentication.sso_started') data.status = 'started';
  else if (ctx.event === 'authentication.sso_timed_out') data.status = 'timed_out';
  else data.status = failed ? 'failed' : 'succeeded';
  if (failed) {
    data.error = { code: 'invalid_credentials', message: 'The credentials provided were invalid.' };
  }
  if (data.type !== 'sso') delete data.sso;
};

const apiKeyOwner: Patch = (data, ctx) => {
  data.owner = { type: 'organization', id: ctx.id('org') };
};

const set =
  (values: Record<string, unknown>): Patch =>
  (data) => {
    Object.assign(data, values);
  };

export const eventPatches: Partial<Record<KnownEventName, Patch>> = {
  'dsync.user.deleted': set({ state: 'inactive' }),
  'session.revoked': (data, ctx) => {
    data.status = 'revoked';
    data.ended_at = ctx.iso();
  },
  'invitation.accepted': (data, ctx) => {
    data.state = 'accepted';
    data.accepted_at = ctx.iso();
    data.accepted_user_id = ctx.id('user');
  },
  'invitation.revoked': (data, ctx) => {
    data.state = 'revoked';
    data.revoked_at = ctx.iso();
  },
  'organization_domain.created': set({ state: 'pending' }),
  'organization_domain.verified': set({ state: 'verified' }),
  'organization_domain.verification_failed': (data) => {
    data.reason = 'domain_verification_period_expired';
    const domain = data.organization_domain as Record<string, unknown>;
    domain.state = 'failed';
  },
  'pipes.connected_account.disconnected': set({ state: 'disconnected' }),
  'pipes.connected_account.reauthorization_needed': set({ state: 'needs_reauthorization' }),
  'connection.deactivated': set({ state: 'inactive' }),
  'connection.activated': set({ state: 'active' }),
  'connection.deleted': set({ state: 'inactive' }),
  'dsync.deleted': set({ state: 'deleting' }),
  'api_key.created': apiKeyOwner,
  'api_key.revoked': apiKeyOwner,
  'waitlist_user.created': set({ state: 'pending' }),
  'waitlist_user.approved': (data, ctx) => {
    data.state = 'approved';
    data.approved_at = ctx.iso();
  },
  'waitlist_user.denied': set({ state: 'denied' }),
  'organization_membership.deleted': set({ status: 'inactive' }),
  'authentication.radar_risk_detected': set({ control: 'bot_detection', action: 'login' }),
};

for (const name of [
  'authentication.email_verification_succeeded',
  'authentication.mfa_succeeded',
  'authentication.oauth_failed',
  'authentication.oauth_succeeded',
  'authentication.sso_failed',
  'authentication.sso_succeeded',
  'authentication.passkey_failed',
  'authentication.passkey_succeeded',
  'authentication.password_failed',
  'authentication.password_succeeded',
  'authentication.magic_auth_failed',
  'authentication.magic_auth_succeeded',
  'authentication.sso_started',
  'authentication.sso_timed_out',
] as const) {
  eventPatches[name] = authentication;
}
