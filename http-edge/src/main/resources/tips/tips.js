// The tipster's page: submit a tip, keep the code, come back with it. No build step, nothing from
// the internet, nothing stored on the device (a shared phone must not give a tipster away).
import { applyLanguage, pickLanguage, t } from './i18n.js';

const $ = (id) => document.getElementById(id);
let lang = 'en';
let current = null; // { tipId, code } while a thread is open: in memory only

async function setLanguage(next) {
  await applyLanguage(next, 'title');
  lang = next;
  if (current && !$('thread').hidden) {
    await openThread();
  }
}

function show(tab) {
  $('new').hidden = tab !== 'new';
  $('back').hidden = tab !== 'back';
  $('tab-new').classList.toggle('active', tab === 'new');
  $('tab-back').classList.toggle('active', tab === 'back');
}

function problemText(status, problem) {
  if (status === 404) return t('errNotFound');
  if (status === 429) return t('errTooMany');
  if (status === 400 && problem && Array.isArray(problem.errors) && problem.errors.length) {
    return t('errInvalid') + problem.errors.map((e) => t('field.' + e.field)).join(lang === 'en' ? ', ' : '、');
  }
  return t('errNetwork');
}

function showError(id, text) {
  $(id).textContent = text;
  $(id).hidden = !text;
}

async function send(method, path, body, code) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (code !== undefined) headers['Follow-Up-Code'] = code;
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer',
  });
  let json = null;
  try { json = await response.json(); } catch (e) { /* no body */ }
  return { status: response.status, json };
}

async function submitTip(event) {
  event.preventDefault();
  showError('form-error', '');
  const body = { schoolId: $('school').value.trim(), category: $('category').value, text: $('text').value };
  if ($('when').value.trim()) body.when = $('when').value;
  if ($('where').value.trim()) body.where = $('where').value;
  $('submit').disabled = true;
  try {
    const { status, json } = await send('POST', '/api/v1/tips', body);
    if (status !== 201) {
      showError('form-error', problemText(status, json));
      return;
    }
    current = { tipId: json.tipId, code: json.followUpCode };
    $('receipt-tip').textContent = json.tipId;
    $('receipt-code').textContent = json.followUpCode;
    $('tip-form').hidden = true;
    $('receipt').hidden = false;
  } catch (e) {
    showError('form-error', t('errNetwork'));
  } finally {
    $('submit').disabled = false;
  }
}

function renderThread(tip) {
  $('thread-status').textContent = t('st.' + tip.status);
  const list = $('messages');
  list.replaceChildren();
  for (const m of tip.messages) {
    const li = document.createElement('li');
    li.className = m.from === 'SCHOOL' ? 'school' : 'tipster';
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = `${m.from === 'SCHOOL' ? t('schoolSays') : t('you')} · ${new Date(m.at).toLocaleString(lang)}`;
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = m.text;
    li.append(meta, text);
    list.append(li);
  }
  $('thread').hidden = false;
}

async function openThread() {
  showError('code-error', '');
  const { status, json } = await send('GET', `/api/v1/tips/${encodeURIComponent(current.tipId)}`, undefined, current.code);
  if (status !== 200) {
    $('thread').hidden = true;
    showError('code-error', problemText(status, json));
    return;
  }
  renderThread(json);
}

async function openWithCode(event) {
  event.preventDefault();
  current = { tipId: $('tip-id').value.trim(), code: $('tip-code').value.trim() };
  await openThread();
}

async function reply(event) {
  event.preventDefault();
  const text = $('reply').value;
  const { status, json } = await send('POST', `/api/v1/tips/${encodeURIComponent(current.tipId)}/messages`,
    { text }, current.code);
  if (status !== 201) {
    showError('code-error', problemText(status, json));
    return;
  }
  $('reply').value = '';
  renderThread(json);
}

function start() {
  const school = new URLSearchParams(location.search).get('school');
  if (school) $('school').value = school;
  $('tip-form').addEventListener('submit', submitTip);
  $('code-form').addEventListener('submit', openWithCode);
  $('reply-form').addEventListener('submit', reply);
  $('tab-new').addEventListener('click', () => show('new'));
  $('tab-back').addEventListener('click', () => show('back'));
  $('to-thread').addEventListener('click', async () => {
    $('tip-id').value = current.tipId;
    $('tip-code').value = current.code;
    show('back');
    await openThread();
  });
  for (const button of document.querySelectorAll('.lang button')) {
    button.addEventListener('click', () => setLanguage(button.dataset.lang));
  }
  setLanguage(pickLanguage()).then(() => document.body.dataset.ready = 'true');
}

start();
