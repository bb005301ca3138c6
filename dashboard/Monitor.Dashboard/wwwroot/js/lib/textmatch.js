// Finding words in feed text the way the history search does (src/Monitor.Data/History/TextQuery.cs): words are
// runs of letters and digits, compared case- and accent-insensitively, without stemming. Used to mark a query's
// matches (history page) and, where the tagger's offsets do not fit the text, a topic's evidence terms (statement
// page). Marks are built as DOM nodes; the text itself is only ever set as text.

/** Lower case without diacritics, for comparing words. */
export function fold(text) {
  return String(text).normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** The words of a text: [{ start, end, word }] with word folded; start/end are offsets in the original text. */
export function wordTokens(text) {
  const tokens = [];
  for (const match of String(text).matchAll(/[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu)) {
    tokens.push({ start: match.index, end: match.index + match[0].length, word: fold(match[0]) });
  }
  return tokens;
}

/** The folded words of a piece of text ("NATO's" → ["nato", "s"]). */
export function words(text) {
  return wordTokens(text).map((t) => t.word);
}

/**
 * The positive terms of a history query, each { words: [...], prefix }: words, prefix*, "phrases", bare words that
 * are several words ("F-35" → a phrase). AND, OR and brackets only group; whatever NOT or a leading '-' negates (a
 * term or a bracketed group) is skipped, since it cannot be in a match. Lenient: never throws on bad syntax.
 */
export function queryTerms(query) {
  const text = String(query ?? '');
  const terms = [];
  let negate = false;
  let skipDepth = 0; // > 0 while inside a negated bracket group
  let depth = 0;
  let i = 0;
  const add = (list, prefix) => {
    if (list.length === 0) return;
    if (skipDepth === 0 && !negate) terms.push({ words: list, prefix });
    negate = false;
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(') {
      depth += 1;
      if (negate && skipDepth === 0) skipDepth = depth;
      negate = false;
      i += 1;
    } else if (c === ')') {
      if (skipDepth === depth) skipDepth = 0;
      depth = Math.max(0, depth - 1);
      i += 1;
    } else if (c === '-' && (i === 0 || /\s/.test(text[i - 1]) || text[i - 1] === '(')) {
      negate = !negate;
      i += 1;
    } else if (c === '"') {
      let end = text.indexOf('"', i + 1);
      if (end < 0) end = text.length;
      const prefix = text[end + 1] === '*';
      add(words(text.slice(i + 1, end)), prefix);
      i = end + (prefix ? 2 : 1);
    } else {
      const start = i;
      while (i < text.length && !/\s/.test(text[i]) && !'()"'.includes(text[i])) i += 1;
      const raw = text.slice(start, i);
      if (raw === 'AND' || raw === 'OR') continue;
      if (raw === 'NOT') {
        negate = !negate;
        continue;
      }
      const prefix = raw.endsWith('*');
      add(words(prefix ? raw.slice(0, -1) : raw), prefix);
    }
  }
  return terms;
}

/** Where the terms occur in the text: [{ start, end }] in text order, overlapping ranges merged. */
export function findRanges(text, terms) {
  const tokens = wordTokens(text);
  const ranges = [];
  for (const term of terms) {
    const n = term.words.length;
    if (n === 0) continue;
    for (let i = 0; i + n <= tokens.length; i += 1) {
      let ok = true;
      for (let k = 0; k < n && ok; k += 1) {
        const word = tokens[i + k].word;
        const wanted = term.words[k];
        ok = term.prefix && k === n - 1 ? word.startsWith(wanted) : word === wanted;
      }
      if (ok) ranges.push({ start: tokens[i].start, end: tokens[i + n - 1].end });
    }
  }
  return mergeRanges(ranges);
}

export function mergeRanges(ranges) {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ start: range.start, end: range.end });
  }
  return merged;
}

/** Fills the element with the text, the given (merged, ordered) ranges wrapped in elements from makeMark(). */
export function appendMarked(element, text, ranges, makeMark = () => document.createElement('mark')) {
  let at = 0;
  for (const range of ranges) {
    if (range.start < at || range.end <= range.start || range.end > text.length) continue;
    if (range.start > at) element.append(document.createTextNode(text.slice(at, range.start)));
    const mark = makeMark(range);
    mark.textContent = text.slice(range.start, range.end);
    element.append(mark);
    at = range.end;
  }
  if (at < text.length) element.append(document.createTextNode(text.slice(at)));
  return element;
}
