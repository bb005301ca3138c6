// The revision gate (pure: no DOM, no network): lets a statement through only when its (statementId, revision) is
// newer than any revision already seen. Live pushes, catch-up pages and the page's snapshot all pass through one
// gate, so the overlap of the catch-up margin, a push racing a catch-up page, or a repeat from the server is dropped.
// It also keeps the newest storedAt it has seen: where the next catch-up starts from.

// Revisions remembered per statement id; older entries fall out (they are far behind any catch-up window).
export const MAX_REMEMBERED = 20_000;

/** A statement's storedAt (a Date or an ISO string) in ms, or NaN. */
export function storedAtMs(statement) {
  const stored = statement?.storedAt;
  return stored instanceof Date ? stored.getTime() : Date.parse(stored ?? '');
}

export function createRevisionGate({ max = MAX_REMEMBERED } = {}) {
  const seen = new Map(); // statementId -> highest revision seen, in the order of last change
  let newestStoredAt = 0; // ms, server clock

  /** Marks a statement (raw or normalised) as held; true when it is newer than what was seen. */
  function admit(statement) {
    const id = Number(statement?.statementId);
    const revision = Number(statement?.revision);
    if (!Number.isSafeInteger(id) || !Number.isSafeInteger(revision)) return false;
    const stored = storedAtMs(statement);
    if (Number.isFinite(stored) && stored > newestStoredAt) newestStoredAt = stored;
    const known = seen.get(id);
    if (known !== undefined && known >= revision) return false;
    seen.delete(id); // re-insert: the Map's order is the order of last change, oldest evicted first
    seen.set(id, revision);
    if (seen.size > max) seen.delete(seen.keys().next().value);
    return true;
  }

  return {
    admit,
    /** The highest revision seen of a statement, or undefined. */
    revisionOf: (statementId) => seen.get(Number(statementId)),
    get newestStoredAt() { return newestStoredAt; },
    get size() { return seen.size; },
  };
}
