import { test } from 'node:test';
import assert from 'node:assert/strict';
import { primaryLanguage, languageName, orderForReader, isReaderLanguage } from '../../../dashboard/Monitor.Dashboard/wwwroot/js/lib/translations.js';

const versions = [
  { language: 'fr', title: 'Relations UE-Chine', url: 'https://www.europarl.europa.eu/news/fr/press-room/20260716IPR46531/' },
  { language: 'de', title: 'Beziehungen EU-China', url: 'https://www.europarl.europa.eu/news/de/press-room/20260716IPR46531/' },
  { language: 'pl', title: 'Stosunki UE-Chiny', url: 'https://www.europarl.europa.eu/news/pl/press-room/20260716IPR46531/' },
];

test('languages are named in their own language, capitalised', () => {
  assert.equal(languageName('de'), 'Deutsch');
  assert.equal(languageName('fr'), 'Français');
  assert.equal(languageName('pl'), 'Polski');
  assert.equal(languageName('FR-be'), 'Français');
});

test('the reader\'s languages come first, in their order, then the others by code', () => {
  assert.deepEqual(orderForReader(versions, ['pl-PL', 'fr']).map((t) => t.language), ['pl', 'fr', 'de']);
  assert.deepEqual(orderForReader(versions, ['fr-FR']).map((t) => t.language), ['fr', 'de', 'pl']);
  assert.deepEqual(orderForReader(versions, ['en-GB', 'en']).map((t) => t.language), ['de', 'fr', 'pl']);
  assert.deepEqual(orderForReader(versions, 'de').map((t) => t.language), ['de', 'fr', 'pl']);
});

test('versions without a language tag or an http(s) URL, and repeats of a language, are left out', () => {
  const odd = [
    { language: 'fr', url: 'javascript:alert(1)' }, { language: '', url: 'https://example.org/' }, { language: 'xx-!', url: 'https://x/' },
    null, { language: 'it', url: 'https://www.europarl.europa.eu/news/it/' }, { language: 'IT', url: 'https://other/' },
  ];
  assert.deepEqual(orderForReader(odd, []), [{ language: 'it', title: '', url: 'https://www.europarl.europa.eu/news/it/' }]);
  assert.equal(primaryLanguage('<b>'), '');
});

test('the reader\'s first language is recognised whatever its region', () => {
  assert.equal(isReaderLanguage('fr', ['fr-CA', 'en']), true);
  assert.equal(isReaderLanguage('de', ['fr-CA', 'de']), false);
  assert.equal(isReaderLanguage('de', []), false);
});
