// A statement's language versions (StatementDetail.translations: [{language, title, url}]), for the statement page's
// "Also in: Deutsch · Français" links: each named in its own language, the reader's languages first.

/** The primary subtag, lower-case ("fr-BE" → "fr"); '' for anything that is not a language tag. */
export function primaryLanguage(tag) {
  if (typeof tag !== 'string') return '';
  const match = /^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$/.exec(tag);
  return match ? match[1].toLowerCase() : '';
}

/** The language's name in that language ("de" → "Deutsch", "fr" → "Français"); the code itself when unknown. */
export function languageName(code) {
  const language = primaryLanguage(code);
  if (!language) return String(code ?? '');
  try {
    const name = new Intl.DisplayNames([language], { type: 'language' }).of(language);
    if (name && name.toLowerCase() !== language) return name.charAt(0).toLocaleUpperCase(language) + name.slice(1);
  } catch {
    // An engine without the language's data: the code is still a name.
  }
  return language.toUpperCase();
}

/**
 * The valid translations (a language tag and an http(s) URL), one per language, ordered for a reader whose languages
 * are readerLanguages (navigator.languages, which the browser also sends as Accept-Language): those first, in the
 * reader's order of preference, then the others by language code.
 */
export function orderForReader(translations, readerLanguages) {
  const seen = new Set();
  const valid = [];
  for (const t of Array.isArray(translations) ? translations : []) {
    const language = primaryLanguage(t?.language);
    if (!language || seen.has(language) || typeof t.url !== 'string' || !/^https?:\/\//i.test(t.url.trim())) continue;
    seen.add(language);
    valid.push({ language, title: typeof t.title === 'string' ? t.title : '', url: t.url.trim() });
  }
  const preference = [...new Set((Array.isArray(readerLanguages) ? readerLanguages : [readerLanguages]).map(primaryLanguage).filter(Boolean))];
  const rank = (language) => {
    const i = preference.indexOf(language);
    return i < 0 ? preference.length : i;
  };
  return valid.sort((a, b) => rank(a.language) - rank(b.language) || a.language.localeCompare(b.language));
}

/** Is this the reader's first language? */
export function isReaderLanguage(language, readerLanguages) {
  const first = primaryLanguage((Array.isArray(readerLanguages) ? readerLanguages : [readerLanguages])[0]);
  return first !== '' && first === primaryLanguage(language);
}
