// Message templates (src/lib/format.js) in both languages of the word catalogs.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';

let format;
let i18n;
before(async () => {
  // i18n reads the browser language on load and sets <html lang> on a switch.
  globalThis.navigator ??= /** @type {any} */ ({ language: 'zh-CN' });
  globalThis.document ??= /** @type {any} */ ({ documentElement: {} });
  i18n = await import('../src/lib/i18n.js');
  format = await import('../src/lib/format.js');
});

test('placeholders are filled, in the current language', async () => {
  await i18n.setLang('en');
  assert.equal(format.tf('inbox.unread', { n: 3 }), '3 unread');
  assert.equal(format.tf('pack.progress', { done: 2, total: 5 }), '2 of 5 lessons completed');
  await i18n.setLang('zh-CN');
  assert.equal(format.tf('inbox.unread', { n: 3 }), i18n.CATALOGS['zh-CN']['inbox.unread'].replace('{n}', '3'));
});

test('a {zh-CN, en} value is picked in the current language; a missing one stays a placeholder', async () => {
  await i18n.setLang('en');
  const pack = { 'zh-CN': '手机', en: 'Phones' };
  assert.equal(format.tf('rec.reason.finished', { pack }), 'Because you finished "Phones"');
  await i18n.setLang('zh-CN');
  assert.ok(format.tf('rec.reason.finished', { pack }).includes('手机'));
  assert.equal(format.tf('inbox.unread', {}), i18n.CATALOGS['zh-CN']['inbox.unread']);
  assert.equal(format.tf('inbox.unread', { n: null }), i18n.CATALOGS['zh-CN']['inbox.unread']);
  assert.equal(format.tf('inbox.unread', { n: 0 }), i18n.CATALOGS['zh-CN']['inbox.unread'].replace('{n}', '0'));
});

test('category names come from the catalogs; unknown categories show as they are', async () => {
  await i18n.setLang('en');
  assert.equal(format.categoryName('farming'), 'Farming');
  assert.equal(format.categoryName('beekeeping'), 'beekeeping');
  await i18n.setLang('zh-CN');
  assert.equal(format.categoryName('farming'), i18n.CATALOGS['zh-CN']['cat.farming']);
  assert.notEqual(format.categoryName('farming'), 'Farming');
});
