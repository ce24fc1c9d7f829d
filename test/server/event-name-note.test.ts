import { describe, expect, it } from 'vitest';
import { unknownEventNameNote } from '../../src/cli/event-name-note.js';
import { noteUnknownEventNames } from '../../src/cli/workos-api-flags.js';

describe('the CLI notes an event name this version does not know, one wording', () => {
  it('says nothing of a known name, and names an unknown one with a did-you-mean', () => {
    expect(unknownEventNameNote('dsync.user.created')).toBeUndefined();
    expect(unknownEventNameNote('dsync.user.creatd')).toMatch(
      /^workos-inbox: "dsync\.user\.creatd" is not an event name this version knows\. Did you mean: dsync\.user\.created/,
    );
  });

  it('pull --events asks for an unknown name anyway and says so, once per unknown name', () => {
    const lines: string[] = [];
    noteUnknownEventNames(['dsync.user.created', 'dsync.grup.created', 'made.up'], (line) => {
      lines.push(line);
      return true;
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /"dsync\.grup\.created" is not an event name this version knows; it is asked for anyway\. Did you mean: dsync\.group\.created/,
    );
    expect(lines[1]).toMatch(/"made\.up" is not an event name .*; it is asked for anyway\.\n$/);
  });
});
