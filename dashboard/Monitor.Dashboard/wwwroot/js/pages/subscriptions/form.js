// The subscription form: every field of SubscriptionRequest, the fields that apply shown, checked in the browser
// (request.js) and then by the server, which creates (POST api/subscriptions) or edits (PUT api/subscriptions/{id}).
// What a save means for the rest of the page is the page's: the form hands the answer to onSaved.
//
// Names, queries and URLs the user typed are data like any feed text: they reach the DOM only through js/lib/dom.js.
import { h, asText, setStatus, clear } from '../../lib/dom.js';
import { send } from '../../lib/api.js';
import { DELIVERIES, KINDS, validateRequest } from './request.js';

function choice(name, value, text) {
  const label = h('label', 'choice');
  const input = h('input');
  input.type = 'checkbox';
  input.name = name;
  input.value = value;
  label.append(input, ' ', h('span', null, text));
  return label;
}

/** Checkboxes for [value, text] entries. */
export function fillChoices(container, name, entries) {
  clear(container);
  for (const [value, text] of entries) container.append(choice(name, value, text));
  if (entries.length === 0) container.append(h('p', 'muted', 'None available.'));
}

function checked(container) {
  return [...container.querySelectorAll('input[type=checkbox]:checked')].map((input) => input.value);
}

function setChecked(container, values) {
  const wanted = new Set(values ?? []);
  for (const input of container.querySelectorAll('input[type=checkbox]')) input.checked = wanted.has(input.value);
  // Values the page does not list (a source since removed) are kept as checked options, so saving keeps them.
  for (const value of wanted) {
    if (![...container.querySelectorAll('input[type=checkbox]')].some((input) => input.value === value)) {
      const label = choice(container.dataset.name ?? '', value, `${value} (unknown)`);
      label.querySelector('input').checked = true;
      container.append(label);
    }
  }
}

function number(input, fallback) {
  const value = Number.parseFloat(input.value);
  return Number.isFinite(value) ? value : fallback;
}

/**
 * Wires the form (#subscription-form). onSaved(answer, { id, request }) after a create (id null) or an edit, when
 * the form is back to a new subscription; answer is the server's (null when a PUT answered no body).
 */
export function createSubscriptionForm({ onSaved }) {
  const form = document.getElementById('subscription-form');
  const ui = {
    heading: document.getElementById('form-heading'),
    error: document.getElementById('subscription-error'),
    submit: document.getElementById('subscription-submit'),
    cancel: document.getElementById('subscription-cancel'),
    name: document.getElementById('sub-name'),
    enabled: document.getElementById('sub-enabled'),
    topics: document.getElementById('sub-topics'),
    sources: document.getElementById('sub-sources'),
    types: document.getElementById('sub-types'),
    sourcesPicked: document.getElementById('sources-picked'),
    typesPicked: document.getElementById('types-picked'),
    spikeFields: document.getElementById('spike-fields'),
    statementFields: document.getElementById('statement-fields'),
    topicMatchFields: document.getElementById('topic-match-fields'),
    spikeWindow: document.getElementById('sub-spike-window'),
    spikeFactor: document.getElementById('sub-spike-factor'),
    minScore: document.getElementById('sub-min-score'),
    query: document.getElementById('sub-query'),
    drift: document.getElementById('sub-drift'),
    history: document.getElementById('sub-history'),
    eventFields: document.getElementById('event-fields'),
    eventHistory: document.getElementById('sub-event-history'),
    delivery: document.getElementById('sub-delivery'),
    digestHourField: document.getElementById('digest-hour-field'),
    digestHour: document.getElementById('sub-digest-hour'),
    timeZone: document.getElementById('sub-time-zone'),
    quiet: document.getElementById('sub-quiet'),
    quietFields: document.getElementById('quiet-fields'),
    quietStart: document.getElementById('sub-quiet-start'),
    quietEnd: document.getElementById('sub-quiet-end'),
    inApp: document.getElementById('sub-in-app'),
    email: document.getElementById('sub-email'),
    webhook: document.getElementById('sub-webhook'),
    webhookFields: document.getElementById('webhook-fields'),
    webhookUrl: document.getElementById('sub-webhook-url'),
    webhookFormat: document.getElementById('sub-webhook-format'),
    ntfy: document.getElementById('sub-ntfy'),
    ntfyFields: document.getElementById('ntfy-fields'),
    ntfyUrl: document.getElementById('sub-ntfy-url'),
    ntfyPriority: document.getElementById('sub-ntfy-priority'),
    ntfyTags: document.getElementById('sub-ntfy-tags'),
    ntfyToken: document.getElementById('sub-ntfy-token'),
    ntfyTokenRemoveField: document.getElementById('ntfy-token-remove-field'),
    ntfyTokenRemove: document.getElementById('sub-ntfy-token-remove'),
    ntfyTokenHint: document.getElementById('ntfy-token-hint'),
    telegram: document.getElementById('sub-telegram'),
    telegramFields: document.getElementById('telegram-fields'),
    telegramChatId: document.getElementById('sub-telegram-chat'),
    telegramBotToken: document.getElementById('sub-telegram-token'),
    telegramTokenHint: document.getElementById('telegram-token-hint'),
    telegramParseMode: document.getElementById('sub-telegram-mode'),
  };
  // What the subscription being edited has stored (the API shows only whether): an empty token field keeps it.
  let stored = { ntfyToken: false, telegramBotToken: false };
  let editing = null; // id of the subscription in the form, or null for a new one
  let defaultTimeZone = 'UTC';

  function radioValue(name) {
    return form.querySelector(`input[name=${name}]:checked`)?.value;
  }

  function setRadio(name, value) {
    for (const input of form.querySelectorAll(`input[name=${name}]`)) input.checked = input.value === value;
  }

  function fillTimeZones() {
    let zones = [];
    try {
      zones = Intl.supportedValuesOf('timeZone');
    } catch {
      zones = [];
    }
    try {
      defaultTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    } catch {
      defaultTimeZone = 'UTC';
    }
    const all = new Set(['UTC', ...zones, defaultTimeZone]);
    clear(ui.timeZone);
    for (const zone of [...all].sort()) {
      const option = h('option', null, zone);
      option.value = zone;
      ui.timeZone.append(option);
    }
    ui.timeZone.value = defaultTimeZone;
  }

  function ensureTimeZone(zone) {
    if (![...ui.timeZone.options].some((o) => o.value === zone)) {
      const option = h('option', null, zone);
      option.value = zone;
      ui.timeZone.append(option);
    }
    ui.timeZone.value = zone;
  }

  /** Shows the fields that apply: spike settings, statement filters (not for a briefing or an event), the digest hour, quiet hours, the webhook. */
  function syncForm() {
    const kind = radioValue('kind');
    const spike = kind === 'spike';
    const topicsOnly = kind === 'briefing' || kind === 'event';
    ui.spikeFields.hidden = !spike;
    ui.statementFields.hidden = topicsOnly;
    ui.topicMatchFields.hidden = topicsOnly;
    // An event subscription keeps one statement filter: history (events whose latest statement is over a week old).
    ui.eventFields.hidden = kind !== 'event';
    ui.digestHourField.hidden = ui.delivery.value !== 'daily';
    ui.quietFields.hidden = !ui.quiet.checked;
    ui.webhookFields.hidden = !ui.webhook.checked;
    ui.ntfyFields.hidden = !ui.ntfy.checked;
    ui.telegramFields.hidden = !ui.telegram.checked;
    ui.ntfyTokenRemoveField.hidden = !stored.ntfyToken;
    ui.ntfyToken.disabled = stored.ntfyToken && ui.ntfyTokenRemove.checked;
    const sources = checked(ui.sources).length;
    ui.sourcesPicked.textContent = sources === 0 ? '(every source)' : `(${sources} chosen)`;
    const types = checked(ui.types).length;
    ui.typesPicked.textContent = types === 0 ? '(every type)' : `(${types} chosen)`;
  }

  /** The form as a SubscriptionRequest. */
  function readForm() {
    const query = ui.query.value.trim();
    const kind = KINDS.includes(radioValue('kind')) ? radioValue('kind') : 'statements';
    const spike = kind === 'spike';
    const event = kind === 'event';
    // A briefing digest and an event subscription take topics only (an event also history): the statement filters
    // (hidden) are not sent, as the server refuses them.
    const topicsOnly = kind === 'briefing' || event;
    return {
      name: ui.name.value.trim(),
      kind,
      enabled: ui.enabled.checked,
      topics: checked(ui.topics),
      topicMatch: !topicsOnly && radioValue('topicMatch') === 'all' ? 'all' : 'any',
      sources: topicsOnly ? [] : checked(ui.sources),
      documentTypes: topicsOnly ? [] : checked(ui.types),
      minScore: topicsOnly ? 0 : number(ui.minScore, 0),
      query: topicsOnly || query === '' ? null : query,
      driftOnly: !topicsOnly && ui.drift.checked,
      includeHistory: event ? ui.eventHistory.checked : !topicsOnly && ui.history.checked,
      // Only a spike subscription has a window and a factor.
      spikeWindowHours: spike ? Math.round(number(ui.spikeWindow, 24)) : null,
      spikeFactor: spike ? number(ui.spikeFactor, 3) : null,
      quietHours: ui.quiet.checked ? { start: ui.quietStart.value, end: ui.quietEnd.value } : null,
      timeZone: ui.timeZone.value || 'UTC',
      delivery: ui.delivery.value,
      digestHour: Math.round(number(ui.digestHour, 8)),
      channels: {
        inApp: ui.inApp.checked,
        email: ui.email.checked,
        webhook: ui.webhook.checked ? { url: ui.webhookUrl.value.trim(), format: ui.webhookFormat.value === 'chat' ? 'chat' : 'json' } : null,
        ntfy: ui.ntfy.checked ? {
          url: ui.ntfyUrl.value.trim(),
          priority: Math.round(number(ui.ntfyPriority, 3)),
          tags: ui.ntfyTags.value.split(',').map((t) => t.trim()).filter((t) => t !== ''),
          // null keeps the stored token, '' removes it.
          token: stored.ntfyToken && ui.ntfyTokenRemove.checked ? '' : ui.ntfyToken.value.trim() || null,
        } : null,
        telegram: ui.telegram.checked ? {
          chatId: ui.telegramChatId.value.trim(),
          botToken: ui.telegramBotToken.value.trim() || null,
          parseMode: ui.telegramParseMode.value === 'MarkdownV2' ? 'MarkdownV2' : 'HTML',
        } : null,
      },
    };
  }

  /** A SubscriptionView (or nothing: the defaults of a new subscription) into the form. */
  function writeForm(view) {
    const v = view ?? {};
    ui.name.value = asText(v.name);
    setRadio('kind', KINDS.includes(v.kind) ? v.kind : 'statements');
    ui.enabled.checked = v.enabled !== false;
    setChecked(ui.topics, v.topics);
    setRadio('topicMatch', v.topicMatch === 'all' ? 'all' : 'any');
    setChecked(ui.sources, v.sources);
    setChecked(ui.types, v.documentTypes);
    ui.minScore.value = String(typeof v.minScore === 'number' ? v.minScore : 0);
    ui.query.value = asText(v.query);
    ui.drift.checked = v.driftOnly === true;
    ui.history.checked = v.includeHistory === true;
    ui.eventHistory.checked = v.includeHistory === true;
    ui.spikeWindow.value = String(typeof v.spikeWindowHours === 'number' ? v.spikeWindowHours : 24);
    ui.spikeFactor.value = String(typeof v.spikeFactor === 'number' ? v.spikeFactor : 3);
    ui.quiet.checked = v.quietHours !== null && v.quietHours !== undefined;
    ui.quietStart.value = asText(v.quietHours?.start) || '22:00';
    ui.quietEnd.value = asText(v.quietHours?.end) || '07:00';
    ensureTimeZone(asText(v.timeZone) || defaultTimeZone);
    ui.delivery.value = DELIVERIES.includes(v.delivery) ? v.delivery : 'immediate';
    ui.digestHour.value = String(typeof v.digestHour === 'number' ? v.digestHour : 8);
    ui.inApp.checked = view ? v.channels?.inApp === true : true;
    ui.email.checked = v.channels?.email === true;
    ui.webhook.checked = Boolean(v.channels?.webhook);
    ui.webhookUrl.value = asText(v.channels?.webhook?.url);
    ui.webhookFormat.value = v.channels?.webhook?.format === 'chat' ? 'chat' : 'json';
    const ntfy = v.channels?.ntfy;
    const telegram = v.channels?.telegram;
    stored = { ntfyToken: ntfy?.hasToken === true, telegramBotToken: telegram?.hasBotToken === true };
    ui.ntfy.checked = Boolean(ntfy);
    ui.ntfyUrl.value = asText(ntfy?.url);
    ui.ntfyPriority.value = String([1, 2, 3, 4, 5].includes(ntfy?.priority) ? ntfy.priority : 3);
    ui.ntfyTags.value = Array.isArray(ntfy?.tags) ? ntfy.tags.map(asText).join(', ') : '';
    ui.ntfyToken.value = '';
    ui.ntfyTokenRemove.checked = false;
    ui.ntfyTokenHint.textContent = stored.ntfyToken
      ? 'A token is stored: leave this empty to keep it, or type a new one.'
      : 'Optional: for a protected topic (tk_…). It is stored and never shown again.';
    ui.telegram.checked = Boolean(telegram);
    ui.telegramChatId.value = asText(telegram?.chatId);
    ui.telegramBotToken.value = '';
    ui.telegramParseMode.value = telegram?.parseMode === 'MarkdownV2' ? 'MarkdownV2' : 'HTML';
    ui.telegramTokenHint.textContent = stored.telegramBotToken
      ? 'A bot token is stored: leave this empty to keep it, or paste a new one.'
      : 'From BotFather, e.g. 123456789:AAH…. It is stored and never shown again.';
    syncForm();
  }

  /** The control a validation problem is about. */
  function fieldOf(problem) {
    return problem.field === 'topics' ? ui.topics.querySelector('input') : ui[problem.field];
  }

  /** A subscription (id, view) into the form, to edit. */
  function startEditing(id, view) {
    editing = id;
    writeForm(view);
    ui.heading.textContent = `Edit “${asText(view.name)}”`;
    ui.submit.textContent = 'Save changes';
    ui.cancel.hidden = false;
    setStatus(ui.error, '');
    ui.name.focus();
    form.scrollIntoView({ block: 'start' });
  }

  function stopEditing() {
    editing = null;
    writeForm(null);
    ui.heading.textContent = 'New subscription';
    ui.submit.textContent = 'Create subscription';
    ui.cancel.hidden = true;
    setStatus(ui.error, '');
  }

  async function submit(event) {
    event.preventDefault();
    const request = readForm();
    const problem = validateRequest(request, { telegramBotTokenStored: stored.telegramBotToken });
    if (problem) {
      setStatus(ui.error, problem.message, true);
      fieldOf(problem)?.focus();
      return;
    }
    ui.submit.disabled = true;
    setStatus(ui.error, '');
    try {
      const id = editing;
      const answer = id === null
        ? await send('POST', 'api/subscriptions', request)
        : await send('PUT', `api/subscriptions/${id}`, request);
      stopEditing();
      onSaved(answer ?? null, { id, request });
    } catch (error) {
      setStatus(ui.error, error.detail || error.message, true);
    } finally {
      ui.submit.disabled = false;
    }
  }

  /** Before anything is awaited: the choices that need no request, the defaults, the listeners. */
  function init(documentTypes) {
    ui.types.dataset.name = 'documentTypes';
    ui.sources.dataset.name = 'sources';
    ui.topics.dataset.name = 'topics';
    fillChoices(ui.types, 'documentTypes', documentTypes);
    fillTimeZones();
    form.addEventListener('submit', submit);
    form.addEventListener('change', syncForm);
    ui.cancel.addEventListener('click', stopEditing);
    // The form's defaults now: the user may type while topics and sources load.
    writeForm(null);
  }

  return {
    init,
    startEditing,
    stopEditing,
    /** A new subscription's form filled from a draft (a SubscriptionRequest, e.g. of a saved search), not yet saved. */
    prefill(draft) {
      stopEditing();
      writeForm(draft);
    },
    get editing() { return editing; },
    /** [id, title] entries. */
    setTopics(entries) {
      fillChoices(ui.topics, 'topics', entries);
      syncForm();
    },
    /** [id, name] entries. */
    setSources(entries) {
      fillChoices(ui.sources, 'sources', entries);
    },
    sourcesFailed(message) {
      clear(ui.sources).append(h('p', 'status status-error', message));
    },
  };
}
