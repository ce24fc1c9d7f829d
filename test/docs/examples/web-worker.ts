// docs/verification.md "workos-inbox/web": a Cloudflare Worker (or any `fetch` handler).
// #region web-worker
import { createVerifier, SignatureVerificationException } from 'workos-inbox/web';

let verifier: ReturnType<typeof createVerifier> | undefined; // keys are imported once

export default {
  async fetch(request: Request, env: { WORKOS_WEBHOOK_SECRET: string }) {
    verifier ??= createVerifier({ secret: env.WORKOS_WEBHOOK_SECRET });
    try {
      const event = await verifier.constructEvent(
        await request.text(), // or new Uint8Array(await request.arrayBuffer())
        request.headers.get('workos-signature'),
      );
      console.log('verified', event.event, event.id); // … handle the event
      return new Response(null, { status: 200 });
    } catch (error) {
      if (error instanceof SignatureVerificationException) {
        return Response.json({ code: error.code }, { status: 401 });
      }
      return new Response(null, { status: 400 }); // not JSON / not an event envelope
    }
  },
};
// #endregion web-worker
