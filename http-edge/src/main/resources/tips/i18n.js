// The pages' languages, shared by the tipster's page and the family page: Simplified Chinese for
// a Chinese browser, English otherwise, ?lang= or a button to switch. Every string is in one
// message catalogue per language (i18n/<lang>.json); an element names its string in data-i18n.
const LANGS = ['zh-CN', 'en'];
let messages = {};

export function pickLanguage() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (LANGS.includes(asked)) return asked;
  const browser = (navigator.languages && navigator.languages[0]) || navigator.language || 'en';
  return browser.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export const t = (key) => messages[key] ?? key;

/** Loads the language's catalogue and puts it on the page: its strings, the title, the buttons. */
export async function applyLanguage(next, titleKey) {
  const response = await fetch(`i18n/${next}.json`);
  messages = await response.json();
  document.documentElement.lang = next;
  document.title = t(titleKey);
  for (const el of document.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const button of document.querySelectorAll('.lang button')) {
    button.classList.toggle('active', button.dataset.lang === next);
  }
}
