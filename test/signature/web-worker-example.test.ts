// The Workers example of docs/verification.md, run with real Request/Response objects.
import { describe, expect, it } from 'vitest';
import { createVerifier, SignatureVerificationException, signatureHeader } from 'workos-inbox/web';

const handled: string[] = [];
let verifier: ReturnType<typeof createVerifier> | undefined; // keys are imported once

const worker = {
  async fetch(request: Request, env: { WORKOS_WEBHOOK_SECRET: string }) {
    verifier ??= createVerifier({ secret: env.WORKOS_WEBHOOK_SECRET });
    try {
      const event = await verifier.constructEvent(
        await request.text(), // or new Uint8Array(await request.arrayBuffer())
        request.headers.get('workos-signature'),
      );
      handled.push(event.id);
      return new Response(null, { status: 200 });
    } catch (error) {
      if (error instanceof SignatureVerificationException) {
        return Response.json({ code: error.code }, { status: 401 });
      }
      return new Response(null, { status: 400 }); // not JSON / not an event envelope
    }
  },
};

const env = { WORKOS_WEBHOOK_SECRET: 'whsec_worker' };
const body = '{"id":"event_w","event":"user.created","created_at":"c","data":{"id":"u"}}';

async function post(payload: string, header: string | null): Promise<Response> {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (header !== null) headers.set('workos-signature', header);
  return worker.fetch(
    new Request('https://example.test/webhooks', { method: 'POST', headers, body: payload }),
    env,
  );
}

describe('docs: the Cloudflare Workers example', () => {
  it('answers 200 for a signed event, 401 with the code otherwise, 400 for a signed non-event', async () => {
    expect((await post(body, await signatureHeader(body, env.WORKOS_WEBHOOK_SECRET))).status).toBe(
      200,
    );
    expect(handled).toEqual(['event_w']);
    const forged = await post(body, await signatureHeader(body, 'whsec_other'));
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({ code: 'signature_mismatch' });
    expect(await (await post(body, null)).json()).toEqual({ code: 'missing_header' });
    const stale = await signatureHeader(body, env.WORKOS_WEBHOOK_SECRET, Date.now() - 600_000);
    expect(await (await post(body, stale)).json()).toEqual({ code: 'timestamp_too_old' });
    expect((await post('[]', await signatureHeader('[]', env.WORKOS_WEBHOOK_SECRET))).status).toBe(
      400,
    );
    expect(handled).toEqual(['event_w']);
  });
});
