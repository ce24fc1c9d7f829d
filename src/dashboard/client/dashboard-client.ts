// The dashboard's only script, loaded as a module from this origin (the CSP allows nothing
// else). The pages work without it; it adds live updates and copy buttons.

interface LiveMessage {
  id: string;
  html: string;
}

/** Parse one server-rendered fragment (escaped on the server) into an element. */
function fragment(markup: string, container: Element): Element | null {
  const template = document.createElement(container.tagName === 'TBODY' ? 'tbody' : 'div');
  template.innerHTML = markup;
  return template.firstElementChild;
}

const focusable = 'a[href], button, input, select, textarea, summary, [tabindex]';

/** The element and the elements in it that take focus, in document order. */
function focusables(element: Element): Element[] {
  return [
    ...(element.matches(focusable) ? [element] : []),
    ...Array.from(element.querySelectorAll(focusable)),
  ];
}

/**
 * `data-live="<url>"`: listen to the server's events. Each message names an element by id: it is
 * replaced when present, else inserted at the top of the live container.
 */
function connectLive(container: HTMLElement): void {
  const url = container.dataset.live;
  if (!url) return;
  const source = new EventSource(url);
  source.addEventListener('message', (message: MessageEvent<string>) => {
    const data = JSON.parse(message.data) as LiveMessage;
    const current = document.getElementById(data.id);
    const next = fragment(data.html, current?.parentElement ?? container);
    if (!next) return;
    if (current) {
      // The same markup (every part is sent once when the stream connects): nothing to change.
      // Replacing it anyway could swallow a key press: a button pressed with Space clicks on
      // key-up, and one replaced between key-down and key-up never does.
      if (current.isEqualNode(next)) return;
      // Keep keyboard focus where it was when the focused element (or one inside it, such as a
      // row's link, which has no id) is replaced: on the same element of the new markup.
      const focused = document.activeElement;
      const inside =
        focused && current.contains(focused) ? focusables(current).indexOf(focused) : -1;
      const focusedId = focused?.id;
      current.replaceWith(next);
      const again =
        inside >= 0
          ? focusables(next)[inside]
          : focusedId
            ? document.getElementById(focusedId)
            : null;
      if (again instanceof HTMLElement) again.focus();
    } else if (container.id !== data.id) {
      container.prepend(next);
      document.getElementById('no-events')?.remove();
    }
  });
  window.addEventListener('pagehide', () => source.close());
}

/** `data-copy="<element id>"`: copy that element's text. */
function connectCopy(button: HTMLButtonElement): void {
  button.addEventListener('click', () => {
    const target = document.getElementById(button.dataset.copy ?? '');
    if (!target) return;
    const label = button.textContent;
    navigator.clipboard.writeText(target.textContent ?? '').then(
      () => {
        button.textContent = 'Copied';
        setTimeout(() => (button.textContent = label), 1500);
      },
      () => {
        // No clipboard permission: select the text so Ctrl+C works.
        const range = document.createRange();
        range.selectNodeContents(target);
        window.getSelection()?.removeAllRanges();
        window.getSelection()?.addRange(range);
      },
    );
  });
}

// On the event page the live section is itself the element its messages replace.
document.querySelectorAll<HTMLElement>('[data-live]').forEach(connectLive);
document.querySelectorAll<HTMLButtonElement>('button[data-copy]').forEach(connectCopy);

export {};
