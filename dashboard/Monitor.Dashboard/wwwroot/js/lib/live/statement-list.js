// A bounded list of statements in an <ol>, newest stored first (the live and topic pages).
/**
 * A bounded list of statements in an <ol>, newest stored first: upsert() adds a statement or replaces it with a
 * newer revision (an equal or older one changes nothing) and drops the oldest past `max`.
 * render(statement) builds the <li>; shown() lists what is shown, to update part of an <li> in place.
 */
export function createStatementList(listElement, { max = 200, render }) {
  const entries = new Map(); // statementId -> { statement, element, key }
  const order = []; // newest first

  const sortKey = (s) => (s.storedAt ?? s.discoveredAt ?? s.publishedAt)?.getTime() ?? 0;
  const compare = (a, b) => b.key - a.key || b.statement.statementId - a.statement.statementId;

  function remove(entry) {
    const index = order.indexOf(entry);
    if (index !== -1) order.splice(index, 1);
    entries.delete(entry.statement.statementId);
    entry.element.remove();
  }

  function upsert(statement, { fresh = false } = {}) {
    const existing = entries.get(statement.statementId);
    if (existing && existing.statement.revision >= statement.revision) return false;
    if (existing) remove(existing);
    const entry = { statement, element: render(statement), key: sortKey(statement) };
    let index = order.findIndex((other) => compare(entry, other) < 0);
    if (index === -1) index = order.length;
    if (index >= max) return false;
    const next = order[index];
    order.splice(index, 0, entry);
    entries.set(statement.statementId, entry);
    listElement.insertBefore(entry.element, next ? next.element : null);
    if (fresh) {
      entry.element.classList.add('is-new');
      entry.element.addEventListener('animationend', () => entry.element.classList.remove('is-new'), { once: true });
    }
    while (order.length > max) remove(order[order.length - 1]);
    return true;
  }

  function clearAll() {
    for (const entry of [...order]) remove(entry);
  }

  /** Each shown statement with its element, newest first (to update part of an element in place). */
  function* shown() {
    for (const { statement, element } of order) yield { statement, element };
  }

  return { upsert, clear: clearAll, shown, get size() { return order.length; } };
}
