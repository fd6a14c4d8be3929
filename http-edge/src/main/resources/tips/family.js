// The family page: a guardian redeems the school's invitation code for a token, then reads the
// school's notices (kept current from the guardian stream) and writes to the school's staff. No
// build step, nothing from the internet. The token stays in this browser until it expires or
// the guardian signs out (localStorage: a family's phone, not a shared kiosk), and is sent only
// as a bearer header to this hub. It is renewed once half its life has passed (also on load, and
// for a while after it expired: hub.guardian.renewal-grace), so a parent never types a code again
// while enrolled; if the school withdraws access, the page says so and forgets the token.
import { applyLanguage, pickLanguage, t } from './i18n.js';

const KEY = 'guardian-token';
const $ = (id) => document.getElementById(id);
let lang = 'en';
let session = null; // { token, expiresAt, schoolId, classId }
let stream = null;
let renewal = null; // the timer of the next renewal
let noticesTimer = null; // the timer of the next try after a failed read of the notices
let noticesRetry = 0; // failed reads in a row
const RETRY_MS = [2000, 4000, 8000, 15000, 30000];

async function setLanguage(next) {
  await applyLanguage(next, 'family.title');
  lang = next;
  if (session) await loadNotices();
}

function showError(id, text) {
  $(id).textContent = text;
  $(id).hidden = !text;
}

async function call(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (session) headers['Authorization'] = 'Bearer ' + session.token;
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer',
  });
  let json = null;
  try { json = await response.json(); } catch (e) { /* no body */ }
  return { status: response.status, json, revoked: isRevoked(response) };
}

// The hub marks a revoked guardian's 401 (RFC 6750 error_description), unlike an expired token's.
function isRevoked(response) {
  return response.status === 401 && (response.headers.get('WWW-Authenticate') || '').includes('revoked');
}

// The token's payload (the page only reads it; the hub checks it).
function claims(token) {
  try {
    return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch (e) {
    return null;
  }
}

// The token's own issue and expiry times, in milliseconds.
function lifetime(token) {
  const c = claims(token);
  return c ? { iat: c.iat * 1000, exp: c.exp * 1000 } : null;
}

function save(json) {
  session = { token: json.token, expiresAt: json.expiresAt, schoolId: json.schoolId, classId: json.classId };
  localStorage.setItem(KEY, JSON.stringify(session));
  scheduleRenewal();
}

// Renew once half the token's life has passed: at once if that is already so.
function scheduleRenewal() {
  if (renewal) clearTimeout(renewal);
  const life = session && lifetime(session.token);
  if (!life) return;
  const at = life.iat + (life.exp - life.iat) / 2;
  renewal = setTimeout(renew, Math.max(0, Math.min(at - Date.now(), 2147483647)));
}

async function renew() {
  if (!session) return;
  let answer;
  try {
    answer = await call('POST', '/api/v1/guardian/token', {});
  } catch (e) {
    answer = { status: 0 };
  }
  if (answer.status === 200) {
    save(answer.json);
    document.body.dataset.renewed = String(Number(document.body.dataset.renewed || '0') + 1);
    return;
  }
  if (answer.revoked) return withdrawn();
  if (answer.status === 401) return signOut();
  // 403: the enrolment has ended; the token serves until it expires, then the page asks for a
  // new code. Anything else (offline, 503): try again in a minute.
  if (answer.status !== 403) renewal = setTimeout(renew, 60000);
}

// The school cut this guardian off: say so, and forget the token.
function withdrawn() {
  signOut();
  showError('redeem-error', t('family.withdrawn'));
  document.body.dataset.withdrawn = 'true';
}

// A token that has expired is kept too: the hub renews it for a while after its expiry.
function restore() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || 'null');
    if (saved && saved.token) return saved;
  } catch (e) { /* nothing usable */ }
  localStorage.removeItem(KEY);
  return null;
}

async function redeem(event) {
  event.preventDefault();
  showError('redeem-error', '');
  const { status, json } = await call('POST', '/api/v1/guardians/redemptions', { code: $('invitation').value.trim() });
  if (status !== 201) {
    showError('redeem-error', t('family.err' + (['400', '404', '409', '410', '429'].includes(String(status)) ? status : 'Network')));
    return;
  }
  save(json);
  $('invitation').value = '';
  await enter();
}

function describe(n) {
  const parts = [t('kind.' + n.kind)];
  if (n.kind === 'POSTURE') parts.push(t('posture.' + n.posture));
  if (n.kind === 'INCIDENT' || n.kind === 'DRILL') {
    parts.push(t('type.' + n.type), t('level.' + n.level), t('status.' + n.status));
  }
  if (n.kind === 'DRILL_HELD') parts.push(t('drill.' + n.drillType), n.drillDate);
  return parts.join(' · ');
}

function renderNotices(body) {
  $('school-name').textContent = body.schoolName;
  $('class-id').textContent = body.classId;
  // The guardian's pseudonymous id: what the school's list shows, to name this phone if it is lost.
  const c = session && claims(session.token);
  $('guardian-id').textContent = c ? String(c.sub).split('@')[0] : '';
  const list = $('notices');
  list.replaceChildren();
  for (const n of body.notices) {
    const li = document.createElement('li');
    li.className = 'notice ' + n.kind.toLowerCase() + (n.posture && n.posture !== 'NORMAL' ? ' alert' : '');
    li.dataset.kind = n.kind;
    const what = document.createElement('span');
    what.className = 'meta';
    what.textContent = describe(n) + (n.at ? ' · ' + new Date(n.at).toLocaleString(lang) : '');
    const advice = document.createElement('span');
    advice.className = 'text advice';
    advice.textContent = t('advice.' + n.advice);
    li.append(what, advice);
    list.append(li);
  }
}

// A failed read (offline, 503 while the hub is busy or starting, 429) keeps what is shown, says
// so, and is tried again with a growing pause: a parent must not have to reload to see a lockdown.
async function loadNotices() {
  let answer;
  try {
    answer = await call('GET', '/api/v1/guardian/notices');
  } catch (e) {
    answer = { status: 0 };
  }
  if (answer.revoked) return withdrawn();
  if (answer.status === 401) return signOut();
  if (answer.status === 200) {
    renderNotices(answer.json);
    noticesRetry = 0;
    showError('notices-error', '');
    document.body.dataset.notices = 'current';
    return;
  }
  showError('notices-error', t('family.errNotices'));
  document.body.dataset.notices = 'retrying';
  if (!noticesTimer) {
    const pause = RETRY_MS[Math.min(noticesRetry++, RETRY_MS.length - 1)];
    noticesTimer = setTimeout(() => { noticesTimer = null; if (session) loadNotices(); }, pause);
  }
}

// The stream only says that something changed; the picture is read again, so nothing is missed.
async function follow() {
  if (stream) stream.abort();
  stream = new AbortController();
  try {
    const response = await fetch('/api/v1/guardian/stream', {
      headers: { 'Authorization': 'Bearer ' + session.token, 'Accept': 'text/event-stream' },
      credentials: 'omit', cache: 'no-store', signal: stream.signal,
    });
    if (isRevoked(response)) return withdrawn();
    // Refused for now (503, 429) or the token ended (401: the notices read decides what that
    // means): not followed this time, tried again below.
    if (!response.ok) throw new Error('stream answered ' + response.status);
    // Connected: what changed before the stream started is in a fresh read of the picture.
    await loadNotices();
    document.body.dataset.live = 'true';
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      if (buffer.includes('event: revoked') || buffer.includes('event:revoked')) {
        return withdrawn();
      }
      if (buffer.includes('event: notice') || buffer.includes('event:notice')) {
        buffer = '';
        await loadNotices();
      } else if (buffer.length > 65536) {
        buffer = '';
      }
    }
  } catch (e) {
    // aborted, dropped or refused: read the picture again, so what was missed is shown
    if (session && !stream.signal.aborted) await loadNotices();
  }
  document.body.dataset.live = 'false';
  if (session && !stream.signal.aborted) setTimeout(follow, 5000);
}

async function sendMessage(event) {
  event.preventDefault();
  showError('message-error', '');
  $('message-sent').hidden = true;
  const body = { topic: $('topic').value, text: $('message').value };
  if ($('child').value.trim()) body.child = $('child').value.trim();
  const { status, revoked } = await call('POST', '/api/v1/guardian/messages', body);
  if (revoked) return withdrawn();
  if (status !== 201) {
    showError('message-error', t(status === 400 ? 'family.errMessage' : 'family.errNetwork'));
    return;
  }
  $('message').value = '';
  $('message-sent').hidden = false;
}

function signOut() {
  session = null;
  if (renewal) clearTimeout(renewal);
  if (noticesTimer) clearTimeout(noticesTimer);
  noticesTimer = null;
  showError('notices-error', '');
  localStorage.removeItem(KEY);
  if (stream) stream.abort();
  $('family').hidden = true;
  $('redeem').hidden = false;
}

async function enter() {
  $('redeem').hidden = true;
  $('family').hidden = false;
  // Past half its life (or expired): renewed before anything else is asked with it.
  const life = lifetime(session.token);
  if (life && Date.now() >= life.iat + (life.exp - life.iat) / 2) await renew();
  else scheduleRenewal();
  if (!session) return;
  await loadNotices();
  if (session) follow();
}

async function start() {
  $('redeem-form').addEventListener('submit', redeem);
  $('message-form').addEventListener('submit', sendMessage);
  $('sign-out').addEventListener('click', signOut);
  for (const button of document.querySelectorAll('.lang button')) {
    button.addEventListener('click', () => setLanguage(button.dataset.lang));
  }
  await setLanguage(pickLanguage());
  session = restore();
  if (session) await enter();
  document.body.dataset.ready = 'true';
}

start();
