// docs/inbox.md "Adapters": the Next.js inbox module, one inbox per server process under `next dev`.
// #region next-inbox
// lib/inbox.ts
import { createInbox, type Inbox } from 'workos-inbox';

// One inbox per server process, kept on globalThis: `next dev` evaluates this module again after
// each edit, and an inbox made per evaluation kept its connections, and its worker went on
// claiming events for the old handlers. Opened at the first request, not when `next build` loads
// the module.
const shared = globalThis as typeof globalThis & { workosInbox?: Promise<Inbox> };

export function getInbox(): Promise<Inbox> {
  if (shared.workosInbox) return shared.workosInbox;
  const opening = openInbox();
  shared.workosInbox = opening;
  // One that failed to open (the database down at the first request) is not kept: the next
  // request tries again, instead of every request failing until the server restarts.
  opening.catch(() => {
    if (shared.workosInbox === opening) shared.workosInbox = undefined;
  });
  return opening;
}

async function openInbox(): Promise<Inbox> {
  const inbox = await createInbox({
    database: process.env.DATABASE_URL!,
    secret: process.env.WORKOS_WEBHOOK_SECRET!,
  });
  inbox.on('dsync.user.created', async (event) => {
    console.log('new user', event.data.email);
  });
  await inbox.start();
  return inbox;
}

// Evaluated again by `next dev` after an edit: close the previous version's inbox, so the next
// request opens one with this version's handlers. (A production server evaluates it once.)
if (process.env.NODE_ENV === 'development' && shared.workosInbox) {
  const previous = shared.workosInbox;
  shared.workosInbox = undefined;
  // (One that failed to open has nothing to close.)
  void previous.then(
    (inbox) => inbox.close(),
    () => {},
  );
}

// app/webhooks/workos/route.ts (and: import { getInbox } from '@/lib/inbox';)
import { inboxUnavailableResponse } from 'workos-inbox';

export async function POST(request: Request): Promise<Response> {
  const inbox = await getInbox().catch((error: unknown) => console.error(error));
  // Not opened (the database down): 503 and Retry-After, as the inbox answers when it cannot store.
  return inbox ? inbox.fetch(request) : inboxUnavailableResponse();
}
// #endregion next-inbox
