import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toRequest, validateRequest, summaryRows, topicList } from '../../../../dashboard/Monitor.Dashboard/wwwroot/js/pages/subscriptions/request.js';

const valid = () => ({
  name: 'Sanctions', kind: 'statements', topics: [], channels: { inApp: true, email: false, webhook: null },
});

test('a view missing optional fields is sent back with the defaults a new subscription has', () => {
  assert.deepEqual(toRequest({ name: 'n', kind: 'statements', enabled: false }), {
    name: 'n', kind: 'statements', enabled: false, topics: [], topicMatch: 'any', sources: [], documentTypes: [], minScore: 0,
    query: null, driftOnly: false, includeHistory: false, spikeWindowHours: null, spikeFactor: null, quietHours: null,
    timeZone: 'UTC', delivery: 'immediate', digestHour: 8, channels: { inApp: true, email: false, webhook: null },
  });
});

test('a full view is sent back as it is, without its id, dates or secrets', () => {
  const view = {
    id: 4, createdAt: '2026-12-01T00:00:00Z', feedUrl: 'x', name: 'n', kind: 'spike', enabled: true, topics: ['a'], topicMatch: 'all',
    sources: ['s'], documentTypes: ['speech'], minScore: 0.5, query: 'q', driftOnly: true, includeHistory: true, spikeWindowHours: 12,
    spikeFactor: 2.5, quietHours: { start: '22:00', end: '07:00' }, timeZone: 'Europe/Brussels', delivery: 'daily', digestHour: 6,
    channels: { inApp: false, email: true, webhook: { url: 'https://hooks.example.org/x', format: 'chat' } },
  };
  const { id: _id, createdAt: _c, feedUrl: _f, ...expected } = view;
  assert.deepEqual(toRequest(view), expected);
});

test('the browser asks for a name, a spike topic, a channel and a webhook URL, in that order', () => {
  assert.equal(validateRequest(valid()), null);
  assert.deepEqual(validateRequest({ ...valid(), name: '' }), { field: 'name', message: 'Give the subscription a name.' });
  assert.deepEqual(validateRequest({ ...valid(), kind: 'spike' }), { field: 'topics', message: 'A spike subscription needs at least one topic.' });
  assert.equal(validateRequest({ ...valid(), kind: 'spike', topics: ['a'] }), null);
  assert.equal(validateRequest({ ...valid(), channels: { inApp: false, email: false, webhook: null } }).field, 'inApp');
  assert.equal(validateRequest({ ...valid(), channels: { inApp: false, email: true, webhook: null } }), null);
  assert.deepEqual(validateRequest({ ...valid(), channels: { inApp: false, email: false, webhook: { url: '', format: 'json' } } }),
    { field: 'webhookUrl', message: 'Enter the webhook URL.' });
});

test('topics read as "any topic", or joined with or / and', () => {
  const title = (id) => id.toUpperCase();
  assert.equal(topicList({}, title), 'any topic');
  assert.equal(topicList({ topics: ['a', 'b'] }, title), 'A or B');
  assert.equal(topicList({ topics: ['a', 'b'], topicMatch: 'all' }, title), 'A and B');
});

test('a statements card says what matches, when and where it is delivered', () => {
  const rows = summaryRows({
    kind: 'statements', topics: ['sanctions'], sources: ['nato-news', 'gone'], documentTypes: ['speech'], minScore: 0.25,
    query: 'air defence', driftOnly: true, includeHistory: true, delivery: 'daily', digestHour: 7, timeZone: 'Europe/Brussels',
    channels: { inApp: true, email: true, webhook: { url: 'https://hooks.example.org/x', format: 'chat' } },
    quietHours: { start: '22:00', end: '07:00' },
  }, {
    topicTitle: (id) => `Topic ${id}`,
    sourceName: (id) => (id === 'nato-news' ? 'NATO news' : id),
    typeLabel: (id) => (id === 'speech' ? 'Speech' : id),
  });
  assert.deepEqual(rows, [
    ['Matches', 'Topic sanctions · from NATO news, gone · Speech · score ≥ 0.25 · words: “air defence” · figure drift only · backfilled history too'],
    ['Delivery', 'daily digest at 07:00 (Europe/Brussels)'],
    ['Channels', 'in-app, email, webhook (chat) to https://hooks.example.org/x, Atom feed'],
    ['Quiet hours', '22:00–07:00 (Europe/Brussels)'],
  ]);
});

test('a spike card says what it watches; a bare card falls back to every source, immediately, the Atom feed', () => {
  assert.deepEqual(summaryRows({ kind: 'spike', topics: ['a'], spikeFactor: 3, spikeWindowHours: 24, delivery: 'hourly' }), [
    ['Watches', 'a: more than 3× the usual rate over 24 h'],
    ['Delivery', 'hourly digest'],
    ['Channels', 'Atom feed'],
  ]);
  assert.deepEqual(summaryRows({ kind: 'statements' }), [
    ['Matches', 'any topic · every source'],
    ['Delivery', 'immediately'],
    ['Channels', 'Atom feed'],
  ]);
});

test('a briefing card says which sections of the weekly briefing it sends', () => {
  assert.deepEqual(summaryRows({ kind: 'briefing', topics: [], delivery: 'immediate', channels: { inApp: true } }), [
    ['Sends', 'the living briefing of the past week, every section, when it cites a statement'],
    ['Delivery', 'immediately'],
    ['Channels', 'in-app, Atom feed'],
  ]);
  assert.deepEqual(summaryRows({ kind: 'briefing', topics: ['a', 'b'] }, { topicTitle: (id) => id.toUpperCase() })[0],
    ['Sends', 'the living briefing of the past week, the sections on A or B, when it cites a statement']);
});

test('an event card says it alerts once when both institutions have spoken, on its topics or any event', () => {
  const title = (id) => id.toUpperCase();
  const base = { kind: 'event', delivery: 'immediate', channels: { inApp: true, email: false, webhook: null } };
  assert.deepEqual(summaryRows({ ...base, topics: ['sanctions', 'cyber'] }, { topicTitle: title })[0],
    ['Alerts', 'once when NATO and the EP have both spoken on an event on SANCTIONS or CYBER']);
  assert.deepEqual(summaryRows({ ...base, topics: [], includeHistory: true }, { topicTitle: title })[0],
    ['Alerts', 'once when NATO and the EP have both spoken on any event · events of history too']);
  assert.equal(validateRequest({ ...valid(), kind: 'event' }), null);
  assert.equal(toRequest({ name: 'n', kind: 'event', topics: ['a'], includeHistory: true }).kind, 'event');
});

test('ntfy and Telegram are channels: the browser asks for a topic URL, a chat id and, the first time, a bot token', () => {
  const only = (channels) => ({ ...valid(), channels: { inApp: false, email: false, webhook: null, ...channels } });
  const ntfy = (url) => only({ ntfy: { url, priority: 3, tags: [], token: null } });
  const telegram = (chatId, botToken) => only({ telegram: { chatId, botToken, parseMode: 'HTML' } });
  const token = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

  assert.equal(validateRequest(ntfy('https://ntfy.sh/eprs-alerts')), null);
  assert.equal(validateRequest(ntfy('https://example.org/ntfy/eprs_alerts-1')), null);
  assert.equal(validateRequest(ntfy('')).field, 'ntfyUrl');
  assert.equal(validateRequest(ntfy('https://ntfy.sh/')).field, 'ntfyUrl');
  assert.equal(validateRequest(ntfy('https://ntfy.sh/a?x=1')).field, 'ntfyUrl');
  assert.equal(validateRequest(telegram('-1001234567890', token)), null);
  assert.equal(validateRequest(telegram('@eprs_alerts', token)), null);
  assert.equal(validateRequest(telegram('', token)).field, 'telegramChatId');
  assert.equal(validateRequest(telegram('my group', token)).field, 'telegramChatId');
  assert.deepEqual(validateRequest(telegram('42', null)), { field: 'telegramBotToken', message: 'Paste the bot token BotFather gave (123456789:AAH…).' });
  assert.equal(validateRequest(telegram('42', null), { telegramBotTokenStored: true }), null);
  assert.equal(validateRequest(telegram('42', 'hunter2')).field, 'telegramBotToken');
});

test('a card names the ntfy topic and the Telegram chat, never a token', () => {
  const rows = summaryRows({
    name: 'n', kind: 'statements', topics: [], delivery: 'immediate',
    channels: {
      inApp: false, email: false, webhook: null,
      ntfy: { url: 'https://ntfy.sh/eprs', priority: 4, tags: ['warning'], hasToken: true },
      telegram: { chatId: '-100200', parseMode: 'HTML', hasBotToken: true },
    },
  });
  assert.deepEqual(rows.find(([label]) => label === 'Channels'),
    ['Channels', 'ntfy to https://ntfy.sh/eprs (priority 4, with a token), Telegram to chat -100200, Atom feed']);
});
