// subscriptions.html?saved=N: the new-subscription form pre-filled from the user's saved search N, through
// GET api/saved-searches/N/alert-draft (a "statements" subscription of its words, topics, sources, document types,
// minimum score and figure drift, in-app). Nothing is saved until the user presses Create. A saved search with dates,
// a language or entities cannot become an alert: the server says so (400) and the notice shows it; nothing is dropped.
import { h, asText } from '../../lib/dom.js';
import { getJson } from '../../lib/api.js';

/** form: the page's subscription form (createSubscriptionForm). Does nothing without ?saved=N. */
export async function prefillFromSavedSearch(form) {
  const saved = new URLSearchParams(location.search).get('saved');
  if (saved === null || !/^\d{1,18}$/.test(saved)) return;
  const heading = document.getElementById('form-heading');
  const notice = h('p', 'from-saved status');
  notice.id = 'from-saved';
  notice.setAttribute('role', 'status');
  heading?.after(notice);
  try {
    const draft = await getJson(`api/saved-searches/${saved}/alert-draft`);
    form.prefill(draft);
    notice.textContent = `Pre-filled from your saved search “${asText(draft?.name)}”: its words, topics, sources, document types, `
      + 'minimum score and figure drift. Alerts come as statements are stored, so the search\'s order does not apply. '
      + 'Choose where alerts go, then Create subscription.';
    document.getElementById('sub-name')?.focus();
  } catch (error) {
    notice.classList.add('status-error');
    notice.textContent = error?.status === 400 || error?.status === 404
      ? `This saved search cannot become an alert: ${error.detail || error.message}`
      : `The saved search could not be read: ${error?.message ?? error}`;
  }
}
