// The pages' languages, one mechanism for the tipster's page, the family page and the command
// center's console (which imports this module from /tips/): Simplified Chinese for a Chinese
// browser, English for an English one, Chinese when the browser asks for neither; ?lang= or a
// button to switch. Every string of a page is in one message catalogue per language
// (i18n/<lang>.json beside the page); an element names its string in data-i18n (its text) or
// data-i18n-title / data-i18n-placeholder / data-i18n-aria-label (an attribute). A message may
// hold {name} placeholders, and a ".one" variant for a count of one (English plurals).
export const LANGS = ['zh-CN', 'en'];
let messages = {};
let current = 'zh-CN';

function supported(tag) {
  const lower = String(tag || '').toLowerCase();
  return lower.startsWith('zh') ? 'zh-CN' : lower.startsWith('en') ? 'en' : null;
}

/**
 * The language to show: ?lang= first, then what this browser chose on the page before (only
 * where the page remembers it, {@code storageKey}), then the browser's languages in its order.
 */
export function pickLanguage(storageKey) {
  const asked = new URLSearchParams(location.search).get('lang');
  if (LANGS.includes(asked)) return asked;
  if (storageKey) {
    try {
      const stored = localStorage.getItem(storageKey);
      if (LANGS.includes(stored)) return stored;
    } catch (e) {
      // storage refused (private mode): the browser's language decides
    }
  }
  const browser = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  for (const tag of browser) {
    const lang = supported(tag);
    if (lang) return lang;
  }
  return 'zh-CN';
}

/** Remembers the reader's choice (the console does; the tips page stores nothing on the device). */
export function rememberLanguage(storageKey, lang) {
  try {
    localStorage.setItem(storageKey, lang);
  } catch (e) {
    // not remembered: the next visit follows the browser again
  }
}

export function language() {
  return current;
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(messages, key);
}

/** The message, its {placeholders} filled from params; {n} = 1 takes the ".one" variant if any. */
export function t(key, params) {
  let text = params && params.n === 1 && has(key + '.one') ? messages[key + '.one'] : messages[key];
  if (text === undefined) return key;
  if (params) text = text.replace(/\{(\w+)\}/g, (all, name) => (name in params ? String(params[name]) : all));
  return text;
}

/** A code's label ({@code prefix + code}), or {@code fallback(code)} for a code the catalogue lacks. */
export function label(prefix, code, fallback = String) {
  if (code === null || code === undefined || code === '') return '';
  return has(prefix + code) ? messages[prefix + code] : fallback(code);
}

/** Puts the catalogue's strings on the page's marked elements. */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const [attr, data] of [['title', 'i18nTitle'], ['placeholder', 'i18nPlaceholder'], ['aria-label', 'i18nAriaLabel']]) {
    for (const el of root.querySelectorAll('[data-' + data.replace(/[A-Z]/g, c => '-' + c.toLowerCase()) + ']')) {
      el.setAttribute(attr, t(el.dataset[data]));
    }
  }
}

/** Loads the language's catalogue and puts it on the page: its strings, the title, the buttons. */
export async function applyLanguage(next, titleKey, base = 'i18n/') {
  const response = await fetch(`${base}${next}.json`);
  messages = await response.json();
  current = next;
  document.documentElement.lang = next;
  if (titleKey) document.title = t(titleKey);
  translatePage();
  for (const button of document.querySelectorAll('.lang button')) {
    button.classList.toggle('active', button.dataset.lang === next);
    button.setAttribute('aria-pressed', String(button.dataset.lang === next));
  }
}
