// The English catalog is fetched when English is chosen, never with the first screen.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';

let i18n;
before(async () => {
  globalThis.navigator ??= /** @type {any} */ ({ language: 'zh-CN' });
  globalThis.document ??= /** @type {any} */ ({ documentElement: {} });
  i18n = await import('../src/lib/i18n.js');
});

test('a zh-CN phone has only the zh-CN catalog until English is chosen', async () => {
  await i18n.langReady;
  assert.equal(i18n.getLang(), 'zh-CN');
  assert.deepEqual(Object.keys(i18n.CATALOGS), ['zh-CN']);
  await i18n.setLang('en');
  assert.equal(i18n.getLang(), 'en');
  assert.equal(i18n.t('cat.farming'), 'Farming');
  assert.equal(document.documentElement.lang, 'en');
  await i18n.setLang('zh-CN');
});

test('a later choice wins over an earlier one whose catalog arrives after it', async () => {
  delete i18n.CATALOGS.en;
  const told = [];
  const stop = i18n.onLangChange(() => told.push(i18n.getLang()));
  const english = i18n.setLang('en'); // still fetching its catalog
  const chinese = i18n.setLang('zh-CN');
  await Promise.all([english, chinese]);
  stop();
  assert.equal(i18n.getLang(), 'zh-CN');
  assert.deepEqual(told, ['zh-CN']);
});

test('an unknown language changes nothing', async () => {
  await i18n.setLang('fr');
  assert.equal(i18n.getLang(), 'zh-CN');
});

test('a phone that starts in English renders after its catalog has arrived', async () => {
  const saved = globalThis.localStorage;
  globalThis.localStorage = /** @type {any} */ ({ getItem: () => 'en', setItem: () => {} });
  try {
    // A second instance of the module, as a fresh page load would have.
    const fresh = await import('../src/lib/i18n.js?starts-in-english');
    assert.equal(fresh.getLang(), 'zh-CN');
    await fresh.langReady;
    assert.equal(fresh.getLang(), 'en');
    assert.equal(fresh.t('cat.farming'), 'Farming');
  } finally {
    globalThis.localStorage = saved;
  }
});
