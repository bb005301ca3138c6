// Per subscription, its deliveries (webhook, email, ntfy and Telegram sends): GET api/subscriptions/{id}/deliveries with a state filter,
// loaded when the <details> opens, and Replay for dead ones. Knows nothing of the rest of the page.
import { h, asText, setStatus, clear } from '../../lib/dom.js';
import { getJson, send } from '../../lib/api.js';
import { parseDate, timeElement, absoluteFormat } from '../../lib/time.js';
import { actionButton } from '../../lib/forms.js';

export const DELIVERY_STATES = ['pending', 'delivered', 'dead'];

/** The <details> box of a subscription's deliveries. */
export function renderDeliveries(subscriptionId) {
  const box = h('details', 'deliveries');
  const summary = h('summary', null, 'Deliveries');
  const filterId = `deliveries-state-${subscriptionId}`;
  const filter = h('div', 'deliveries-filter');
  const label = h('label', null, 'Show');
  label.setAttribute('for', filterId);
  const select = h('select');
  select.id = filterId;
  for (const [value, text] of [['', 'all'], ...DELIVERY_STATES.map((s) => [s, s])]) {
    const option = h('option', null, text);
    option.value = value;
    select.append(option);
  }
  const refresh = actionButton('Refresh', 'refresh', () => load(), undefined);
  filter.append(label, select, refresh);
  const status = h('p', 'status');
  status.setAttribute('role', 'status');
  const list = h('ul', 'delivery-list');
  list.setAttribute('aria-label', 'Deliveries');
  box.append(summary, filter, status, list);

  async function load() {
    setStatus(status, 'Loading deliveries…');
    try {
      const deliveries = await getJson(`api/subscriptions/${subscriptionId}/deliveries`, { state: select.value });
      if (!Array.isArray(deliveries)) throw new Error('the answer is not a list');
      clear(list);
      for (const delivery of deliveries) list.append(renderDelivery(delivery, load));
      setStatus(status, deliveries.length === 0 ? 'No deliveries (in-app alerts are in the inbox; email, webhook, ntfy and Telegram sends show here).' : '');
    } catch (error) {
      setStatus(status, `Could not load deliveries: ${error.message}`, true);
    }
  }
  box.addEventListener('toggle', () => {
    if (box.open) load();
  });
  select.addEventListener('change', load);
  return box;
}

export function renderDelivery(delivery, reload) {
  const deliveryState = DELIVERY_STATES.includes(delivery?.state) ? delivery.state : 'pending';
  const item = h('li', 'delivery');
  item.dataset.deliveryId = String(delivery?.id ?? '');
  item.dataset.state = deliveryState;
  const head = h('p', 'delivery-head');
  head.append(h('span', `badge delivery-state state-${deliveryState}`, deliveryState), ' ',
    h('span', 'delivery-channel', asText(delivery?.channel)), ' ');
  const created = parseDate(delivery?.createdAt);
  if (created) head.append(timeElement(created));
  item.append(head);
  const facts = h('dl', 'facts facts-compact');
  const attempts = Number(delivery?.attempts) || 0;
  facts.append(h('dt', null, 'Attempts'), h('dd', null, String(attempts)));
  if (delivery?.lastStatus !== null && delivery?.lastStatus !== undefined) facts.append(h('dt', null, 'Last answer'), h('dd', null, asText(delivery.lastStatus)));
  const delivered = parseDate(delivery?.deliveredAt);
  if (delivered) facts.append(h('dt', null, 'Delivered'), h('dd', null, absoluteFormat.format(delivered)));
  const next = parseDate(delivery?.nextAttemptAt);
  if (next && deliveryState === 'pending') facts.append(h('dt', null, 'Next attempt'), h('dd', null, absoluteFormat.format(next)));
  const alertIds = Array.isArray(delivery?.alertIds) ? delivery.alertIds : [];
  if (alertIds.length > 1) facts.append(h('dt', null, 'Alerts'), h('dd', null, `${alertIds.length} (digest)`));
  item.append(facts);
  const lastError = asText(delivery?.lastError).trim();
  if (lastError !== '') item.append(h('p', 'delivery-error', lastError));
  if (deliveryState === 'dead') {
    const replay = actionButton('Replay', 'replay', async () => {
      replay.disabled = true;
      try {
        await send('POST', `api/deliveries/${delivery.id}/replay`);
        await reload();
      } catch (error) {
        replay.disabled = false;
        item.append(h('p', 'delivery-error', `Replay failed: ${error.detail || error.message}`));
      }
    }, `Replay delivery ${delivery?.id}`);
    item.append(replay);
  }
  return item;
}
