// The panel that shows a new feed URL or webhook secret once, after creation or rotation.
import { clear } from '../../lib/dom.js';
import { secretField } from '../../lib/forms.js';

export function createSecretsPanel() {
  const panel = document.getElementById('subscription-secrets');
  const intro = document.getElementById('secrets-intro');
  const items = document.getElementById('secrets-items');

  function hide() {
    clear(items);
    panel.hidden = true;
  }
  document.getElementById('secrets-done').addEventListener('click', hide);

  return {
    /** entries: [label, value, id]; an entry without a value is left out. */
    show(subscription, text, entries) {
      clear(items);
      for (const [label, value, id] of entries) {
        if (typeof value === 'string' && value !== '') items.append(secretField(label, value, id));
      }
      intro.textContent = text;
      panel.dataset.subscriptionId = String(subscription?.id ?? '');
      panel.hidden = items.children.length === 0;
      if (!panel.hidden) panel.focus();
    },
    hide,
  };
}
