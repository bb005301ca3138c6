// Controls the account pages share: small buttons, a delete that asks on the page (no dialog), and a secret shown
// once in a read-only field with a Copy button. Text is set as text (js/lib/dom.js), never parsed as HTML.
import { h } from './dom.js';

/** A small button; label: an accessible name when the visible text alone is ambiguous in a list. */
export function actionButton(text, className, onClick, label) {
  const button = h('button', `button-small ${className}`, text);
  button.type = 'button';
  if (label) button.setAttribute('aria-label', label);
  button.addEventListener('click', onClick);
  return button;
}

/**
 * A button that asks first, on the page: "Delete" → "Delete “x”?" with "Yes, delete" and "Cancel".
 * onConfirm may be async; the question stays until it settles.
 */
export function confirmButton({ text = 'Delete', className = 'delete', label, question, yesText = 'Yes, delete', onConfirm }) {
  const box = h('span', 'confirm');
  const ask = h('span', 'confirm-question');
  ask.hidden = true;
  const start = actionButton(text, className, () => {
    start.hidden = true;
    ask.hidden = false;
    yes.focus();
  }, label);
  const yes = actionButton(yesText, `confirm-yes ${className}-yes button-danger`, async () => {
    yes.disabled = true;
    try {
      await onConfirm();
    } finally {
      yes.disabled = false;
    }
  });
  const no = actionButton('Cancel', 'confirm-no', () => {
    ask.hidden = true;
    start.hidden = false;
    start.focus();
  });
  ask.append(h('span', 'confirm-text', question), ' ', yes, ' ', no);
  box.append(start, ask);
  return box;
}

async function copy(input, button) {
  try {
    await navigator.clipboard.writeText(input.value);
    button.textContent = 'Copied';
  } catch {
    input.focus();
    input.select();
    button.textContent = 'Selected: press Ctrl+C';
  }
}

/** A labelled read-only field holding a secret (token, password, feed URL) with a Copy button. */
export function secretField(labelText, value, id) {
  const row = h('div', 'secret');
  const label = h('label', null, labelText);
  label.setAttribute('for', id);
  const input = h('input', 'secret-value');
  input.id = id;
  input.readOnly = true;
  input.value = value;
  input.spellcheck = false;
  input.setAttribute('autocomplete', 'off');
  input.addEventListener('focus', () => input.select());
  const button = actionButton('Copy', 'copy', () => copy(input, button), `Copy the ${labelText.toLowerCase()}`);
  const field = h('div', 'secret-field');
  field.append(input, button);
  row.append(label, field);
  return row;
}
