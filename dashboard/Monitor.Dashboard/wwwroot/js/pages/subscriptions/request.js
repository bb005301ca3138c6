// What a subscription is as data (pure: no DOM, no network): the request a view is sent back as, what the browser can
// check before the server does, and the summary lines of a card.
import { asText } from '../../lib/dom.js';

export const DELIVERIES = ['immediate', 'hourly', 'daily'];

/** The subscription kinds the API takes. */
export const KINDS = ['statements', 'spike', 'briefing', 'event'];

/** The request a SubscriptionView would be sent back as (for enable / disable). */
export function toRequest(view) {
  return {
    name: view.name, kind: view.kind, enabled: view.enabled, topics: view.topics ?? [], topicMatch: view.topicMatch ?? 'any',
    sources: view.sources ?? [], documentTypes: view.documentTypes ?? [], minScore: view.minScore ?? 0, query: view.query ?? null,
    driftOnly: view.driftOnly === true, includeHistory: view.includeHistory === true, spikeWindowHours: view.spikeWindowHours ?? null, spikeFactor: view.spikeFactor ?? null,
    quietHours: view.quietHours ?? null, timeZone: view.timeZone ?? 'UTC', delivery: view.delivery ?? 'immediate',
    digestHour: view.digestHour ?? 8,
    // The view's ntfy and telegram carry no tokens (hasToken, hasBotToken are ignored): the server keeps the stored ones.
    channels: view.channels ?? { inApp: true, email: false, webhook: null },
  };
}

// As the server checks them (SubscriptionValidation): an ntfy topic URL's last segment, a Telegram chat id and bot token.
const NTFY_TOPIC = /^https?:\/\/[^/?#]+\/(?:[A-Za-z0-9_.~-]+\/)*[A-Za-z0-9_-]{1,64}$/;
const TELEGRAM_CHAT = /^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/;
const TELEGRAM_TOKEN = /^[0-9]{1,20}:[A-Za-z0-9_-]{30,80}$/;

/**
 * What the browser can check of a SubscriptionRequest before the server does: null, or { field, message } where
 * field names the form control to focus ('name', 'topics', 'inApp', 'webhookUrl', 'ntfyUrl', 'telegramChatId',
 * 'telegramBotToken'). stored.telegramBotTokenStored: the subscription being edited has a bot token already.
 */
export function validateRequest(request, { telegramBotTokenStored = false } = {}) {
  if (request.name === '') return { field: 'name', message: 'Give the subscription a name.' };
  if (request.kind === 'spike' && request.topics.length === 0) return { field: 'topics', message: 'A spike subscription needs at least one topic.' };
  const { channels } = request;
  if (!channels.inApp && !channels.email && !channels.webhook && !channels.ntfy && !channels.telegram) {
    return { field: 'inApp', message: 'Choose at least one channel (every subscription also has its Atom feed).' };
  }
  if (channels.webhook && channels.webhook.url === '') return { field: 'webhookUrl', message: 'Enter the webhook URL.' };
  if (channels.ntfy) {
    if (channels.ntfy.url === '') return { field: 'ntfyUrl', message: 'Enter the ntfy topic URL, e.g. https://ntfy.sh/your-topic.' };
    if (!NTFY_TOPIC.test(channels.ntfy.url)) {
      return { field: 'ntfyUrl', message: 'The ntfy topic URL is the server and the topic, e.g. https://ntfy.sh/your-topic (letters, digits, _ and - in the topic).' };
    }
  }
  if (channels.telegram) {
    if (channels.telegram.chatId === '') return { field: 'telegramChatId', message: 'Enter the Telegram chat id (a number, or a public channel’s @name).' };
    if (!TELEGRAM_CHAT.test(channels.telegram.chatId)) {
      return { field: 'telegramChatId', message: 'The Telegram chat id is a number (a group’s is negative) or a public channel’s @name.' };
    }
    if (channels.telegram.botToken === null && !telegramBotTokenStored) {
      return { field: 'telegramBotToken', message: 'Paste the bot token BotFather gave (123456789:AAH…).' };
    }
    if (channels.telegram.botToken !== null && !TELEGRAM_TOKEN.test(channels.telegram.botToken)) {
      return { field: 'telegramBotToken', message: 'That is not a bot token: BotFather’s tokens are the bot’s number, a colon and 30 or more letters, digits, _ or -.' };
    }
  }
  return null;
}

/** "a or b", "a and b", or "any topic". */
export function topicList(view, topicTitle) {
  const topics = Array.isArray(view.topics) ? view.topics : [];
  if (topics.length === 0) return 'any topic';
  return topics.map(topicTitle).join(view.topicMatch === 'all' ? ' and ' : ' or ');
}

/**
 * A card's [label, text] rows. names: { topicTitle(id), sourceName(id), typeLabel(id) }, each falling back to the id.
 */
export function summaryRows(view, { topicTitle = (id) => id, sourceName = (id) => id, typeLabel = (id) => id } = {}) {
  const rows = [];
  if (view.kind === 'spike') {
    rows.push(['Watches', `${topicList(view, topicTitle)}: more than ${view.spikeFactor}× the usual rate over ${view.spikeWindowHours} h`]);
  } else if (view.kind === 'briefing') {
    const topics = Array.isArray(view.topics) && view.topics.length > 0 ? `the sections on ${topicList(view, topicTitle)}` : 'every section';
    rows.push(['Sends', `the living briefing of the past week, ${topics}, when it cites a statement`]);
  } else if (view.kind === 'event') {
    const topics = Array.isArray(view.topics) && view.topics.length > 0 ? `an event on ${topicList(view, topicTitle)}` : 'any event';
    rows.push(['Alerts', `once when NATO and the EP have both spoken on ${topics}${view.includeHistory ? ' · events of history too' : ''}`]);
  } else {
    const parts = [topicList(view, topicTitle)];
    const sources = Array.isArray(view.sources) ? view.sources : [];
    parts.push(sources.length ? `from ${sources.map(sourceName).join(', ')}` : 'every source');
    const types = Array.isArray(view.documentTypes) ? view.documentTypes : [];
    if (types.length) parts.push(types.map(typeLabel).join(', '));
    if (typeof view.minScore === 'number' && view.minScore > 0) parts.push(`score ≥ ${view.minScore.toFixed(2)}`);
    if (asText(view.query) !== '') parts.push(`words: “${asText(view.query)}”`);
    if (view.driftOnly) parts.push('figure drift only');
    if (view.includeHistory) parts.push('backfilled history too');
    rows.push(['Matches', parts.join(' · ')]);
  }
  const zone = asText(view.timeZone) || 'UTC';
  const delivery = view.delivery === 'hourly' ? 'hourly digest'
    : view.delivery === 'daily' ? `daily digest at ${String(view.digestHour ?? 0).padStart(2, '0')}:00 (${zone})` : 'immediately';
  rows.push(['Delivery', delivery]);
  const channels = [];
  if (view.channels?.inApp) channels.push('in-app');
  if (view.channels?.email) channels.push('email');
  if (view.channels?.webhook) channels.push(`webhook (${view.channels.webhook.format === 'chat' ? 'chat' : 'JSON'}) to ${asText(view.channels.webhook.url)}`);
  if (view.channels?.ntfy) {
    const ntfy = view.channels.ntfy;
    channels.push(`ntfy to ${asText(ntfy.url)} (priority ${Number(ntfy.priority) || 3}${ntfy.hasToken ? ', with a token' : ''})`);
  }
  if (view.channels?.telegram) channels.push(`Telegram to chat ${asText(view.channels.telegram.chatId)}`);
  channels.push('Atom feed');
  rows.push(['Channels', channels.join(', ')]);
  if (view.quietHours) rows.push(['Quiet hours', `${asText(view.quietHours.start)}–${asText(view.quietHours.end)} (${zone})`]);
  return rows;
}
