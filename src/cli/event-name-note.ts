import { didYouMean } from '../errors/close-matches.js';
import { eventNames, isKnownEventName } from '../events/event-names.js';

/**
 * The stderr line for an event name this version does not know, with a did-you-mean; undefined
 * for a known one. Not an error: WorkOS adds events, and any name can be stored or asked for.
 * `consequence` completes the sentence ("; it is asked for anyway").
 */
export function unknownEventNameNote(name: string, consequence = ''): string | undefined {
  if (isKnownEventName(name)) return undefined;
  return (
    `workos-inbox: "${name}" is not an event name this version knows${consequence}.` +
    `${didYouMean(name, eventNames, 3)}\n`
  );
}
