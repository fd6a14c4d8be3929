// The command center's wall console: open incidents of a region, live.
//
// Data: GET /api/v1/incidents (open incidents, paged, at most the board's limit),
// GET /api/v1/incidents/open-counts (true totals for the counters when the board cannot hold every
// open incident), GET /api/v1/schools (the map),
// GET /api/v1/incidents/{id} (the detail panel), GET /api/v1/directives/{id} (the directives'
// schools, see directives.js) and the live stream
// GET /api/v1/stream/incidents (text/event-stream, read with fetch() so that it can carry the
// bearer token; see sse.js; its `directive` events drive the directives' progress bars).
// Prevention (issue 15): GET /api/v1/warnings (the board's early warnings, then kept current by
// the stream's `warning` events), GET /api/v1/risk (the map's risk layer) and a school's risk and
// hazards (its panel), all read again every PREVENTION_REFRESH_MS.
// Tips (issue 17): GET /api/v1/tips?region=&state=open (the tips queue: open tips with their
// response deadlines, never their text), read again every PREVENTION_REFRESH_MS.
// Everything is rendered with DOM calls, never innerHTML.

import { createApi, ApiError } from './api.js';
import {
  takeTokenFromFragment, storedToken, storeToken, forgetToken, forgetSession, decodeClaims, secondsLeft,
  homeRegion, describeRole,
} from './auth.js';
import { h, $ } from './dom.js';
import {
  duration, clockTime, shortTime, since, LEVELS, OPEN_STATUSES, levelRank,
  levelClass, humanize, localTime,
} from './format.js';
// One language mechanism for the tips, family and console pages: the console's catalogue is
// i18n/<lang>.json beside this file.
import { applyLanguage, label, language, pickLanguage, rememberLanguage, t } from '../tips/i18n.js';
import { Directives, tickDirectives } from './directives.js';
import { drawMap } from './map.js';
import {
  RISK_LEVELS, riskClass, riskRank, schoolPanel, warningStrip, dueText,
} from './risk.js';
import { LiveStream } from './sse.js';
import { tipsQueue, isOverdue } from './tips.js';

const REGION_PATTERN = /^\d{2}(\d{2}){0,2}$/;
const MODES = ['ACTUAL', 'EXERCISE', 'ALL'];
const FEED_SIZE = 40;
const REFRESH_MS = 60000;
const LIST_LAG_MS = 30000;
/** After a (re)start the list is read again this much later, once the read model caught up. */
const SETTLE_MS = 10000;
// The longest pause between readings of the schools for one that is not on the map yet.
const SCHOOLS_RELOAD_MAX_MS = 30000;
/**
 * A new stream starts this many events before the last one this tab saw in the province: the
 * list comes from a read model that may trail the live feed by a few seconds, and the replay
 * closes that gap (events carry the incident's whole state, so replaying is harmless).
 */
const REPLAY_EVENTS = 200;
const SEQ_KEY = 'schoolSafetyHub.lastSeq.';
/**
 * The board shows at most this many open incidents (the most severe first); `?board=N` in the URL
 * changes it. Beyond it the counters show the hub's true totals (open-counts) instead of adding up
 * the board, and the caption says how many of them the board shows.
 */
const BOARD_LIMIT = (() => {
  const n = Number(new URLSearchParams(window.location.search).get('board'));
  return Number.isInteger(n) && n >= 1 && n <= 5000 ? n : 1000;
})();
/** While the board is partial, the totals are read again this long after the stream's last event. */
const TOTALS_AFTER_EVENT_MS = 3000;
/** Warnings, the risk layer and an open school panel are read again this often. */
const PREVENTION_REFRESH_MS = 15000;
const SCHOOL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** The officer's choice of language on this browser (a wall screen keeps it). */
const LANG_KEY = 'schoolSafetyHub.lang';

const state = {
  token: null,
  claims: null,
  region: '',
  mode: 'ALL',
  incidents: new Map(), // incidentId → board summary
  schools: [],
  schoolsLoaded: false,
  selectedId: null,
  detail: null,
  // The devices of the selected incident's school (GET /schools/{id}/devices), or null.
  devices: null,
  lastSeq: 0,
  replayUpTo: 0,
  feed: [],
  connection: { state: 'idle' },
  lastTraffic: 0,
  errors: new Map(), // source → message
  seen: new Set(),
  flash: new Map(), // incidentId → flash-until (ms)
  ended: new Map(), // incidentId → when the stream said it was resolved, closed or cancelled
  listComplete: true, // false: the region has more open incidents than the board holds
  totals: null, // the hub's counts of open incidents (GET /api/v1/incidents/open-counts)
  riskLayer: false, // the map coloured by risk level (?layer=risk pins it)
  risk: new Map(), // schoolId → ranking row {level, overall, …} (GET /api/v1/risk)
  riskLoaded: false,
  warnings: [], // the region's active warnings, newest first
  warningsState: 'loading', // loading | ok | forbidden | failed
  tips: [], // the region's open tips (metadata only), as the read side lists them
  tipsState: 'loading', // loading | ok | forbidden | failed
  selectedSchoolId: null, // the school in the risk panel
  school: null, // {risk, hazards, failed} of the selected school
};

const api = createApi(() => state.token);
const directives = new Directives({
  api,
  onChange: () => renderDirectives(),
  onError: e => {
    if (!e) clearError('directives');
    else if (e.authentication) signOut(t('login.refused', { message: e.message }));
    else setError('directives', t('err.directives', { message: e.message }));
  },
});
let stream = null;
let generation = 0; // bumped when the view restarts; results of older requests are dropped
let expiryTimer = null;
let refreshTimer = null;
let detailTimer = null;
let mapSignature = '';
let totalsTimer = null;
let preventionTimer = null;
const cardElements = new Map();
const cardSignatures = new Map();
const pendingReportedAt = new Set();

// --- sign-in --------------------------------------------------------------------------------

function showLogin(message = '') {
  $('#app').hidden = true;
  $('#login').hidden = false;
  $('#login-message').textContent = message;
  $('#login-token').value = '';
  $('#login-token').focus();
  document.title = t('title.signIn');
}

function signIn(token) {
  let claims;
  try {
    claims = decodeClaims(token);
  } catch (e) {
    showLogin(t(e.message));
    return;
  }
  const left = secondsLeft(claims);
  if (left !== null && left <= 0) {
    forgetToken();
    showLogin(t('login.expired', { at: localTime(new Date(claims.exp * 1000)) }));
    return;
  }
  storeToken(token);
  state.token = token;
  state.claims = claims;
  clearTimeout(expiryTimer);
  if (left !== null) {
    expiryTimer = setTimeout(() => signOut(t('login.tokenExpired')),
      Math.min(left * 1000, 2 ** 31 - 1));
  }
  renderWho();

  const query = new URLSearchParams(window.location.search);
  const region = query.get('region');
  const mode = (query.get('mode') || '').toUpperCase();
  const home = homeRegion(claims);
  // A region in the URL (a bookmarked wall screen) wins if this token may watch it.
  state.region = region && REGION_PATTERN.test(region) && region.startsWith(home) ? region : home;
  // Operators see drills only (docs/SECURITY.md); everyone else starts with everything.
  state.mode = MODES.includes(mode) ? mode : claims.role === 'OPERATOR' ? 'EXERCISE' : 'ALL';
  state.riskLayer = query.get('layer') === 'risk';
  $('#login').hidden = true;
  $('#app').hidden = false;
  syncFilterInputs();
  restart();
  const pinned = query.get('incident');
  if (pinned && /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(pinned)) selectIncident(pinned);
  const school = query.get('school');
  if (!pinned && school && SCHOOL_ID.test(school)) selectSchool(school);
}

function signOut(message = t('login.signedOut')) {
  generation++;
  if (stream) stream.stop();
  stream = null;
  clearTimeout(expiryTimer);
  clearInterval(refreshTimer);
  clearInterval(preventionTimer);
  forgetSession();
  state.token = null;
  state.claims = null;
  resetView();
  showLogin(message);
}

/** A 401 from the hub means the token is not (or no longer) good: back to the sign-in form. */
function handleFailure(source, error, what) {
  if (error && error.name === 'AbortError') return;
  if (error instanceof ApiError && error.authentication) {
    signOut(t('login.refused', { message: error.message }));
    return;
  }
  const status = error instanceof ApiError && error.status ? t('err.httpStatus', { status: error.status }) : '';
  setError(source, what + status + ': ' + (error ? error.message : t('err.unknown')));
}

// --- filters --------------------------------------------------------------------------------

/** The watched region's monthly evaluation (evaluation.html opens the current month). */
function linkEvaluation() {
  $('#evaluation-link').href = 'evaluation.html' + (state.region ? '?region=' + encodeURIComponent(state.region) : '');
}

function syncFilterInputs() {
  $('#region').value = state.region;
  linkEvaluation();
  $('#region').placeholder = homeRegion(state.claims) || '65';
  for (const radio of document.querySelectorAll('input[name=mode]')) {
    radio.checked = radio.value === state.mode;
  }
}

function regionProblem(region) {
  if (!region) return t('filter.enterRegion');
  if (!REGION_PATTERN.test(region)) return t('filter.badRegion', { region });
  const home = homeRegion(state.claims);
  if (home && !region.startsWith(home)) return t('filter.outside', { region, home });
  return null;
}

function applyFilters() {
  const region = $('#region').value.trim();
  const checked = document.querySelector('input[name=mode]:checked');
  const mode = checked ? checked.value : 'ALL';
  const problem = regionProblem(region);
  $('#region').classList.toggle('invalid', Boolean(problem));
  if (problem) {
    setError('filter', problem);
    return;
  }
  clearError('filter');
  if (region === state.region && mode === state.mode && stream) return;
  state.region = region;
  state.mode = mode;
  linkEvaluation();
  const query = new URLSearchParams(window.location.search);
  query.set('region', region);
  query.set('mode', mode);
  window.history.replaceState(null, '', window.location.pathname + '?' + query.toString());
  restart();
}

// --- loading --------------------------------------------------------------------------------

function resetView() {
  state.incidents = new Map();
  state.schools = [];
  state.schoolsLoaded = false;
  state.selectedId = null;
  state.detail = null;
  state.lastSeq = 0;
  state.replayUpTo = 0;
  state.feed = [];
  state.errors = new Map();
  state.seen = new Set();
  state.flash = new Map();
  state.ended = new Map();
  state.connection = { state: 'idle' };
  state.listComplete = true;
  state.totals = null;
  clearTimeout(totalsTimer);
  totalsTimer = null;
  state.risk = new Map();
  state.riskLoaded = false;
  state.warnings = [];
  state.warningsState = 'loading';
  state.tips = [];
  state.tipsState = 'loading';
  state.selectedSchoolId = null;
  state.school = null;
  cardElements.clear();
  cardSignatures.clear();
  $('#board').replaceChildren();
  mapSignature = '';
  renderBanners();
}

function restart() {
  generation++;
  if (stream) stream.stop();
  stream = null;
  clearInterval(refreshTimer);
  clearInterval(preventionTimer);
  resetView();
  const problem = regionProblem(state.region);
  if (problem) {
    setError('filter', problem);
    render();
    return;
  }
  render();
  directives.reset(state.region, state.mode);
  loadIncidents();
  loadSchools();
  openStream();
  refreshTimer = setInterval(() => { loadIncidents(); loadSchools(); }, REFRESH_MS);
  loadWarnings();
  loadTips();
  if (state.riskLayer) loadRisk();
  preventionTimer = setInterval(() => {
    loadWarnings();
    loadTips();
    if (state.riskLayer) loadRisk();
    if (state.selectedSchoolId) loadSchool(state.selectedSchoolId);
    directives.reloadList();
  }, PREVENTION_REFRESH_MS);
  const gen = generation;
  setTimeout(() => {
    if (gen !== generation) return;
    loadIncidents();
    directives.reloadList();
  }, SETTLE_MS);
}

function query() {
  return 'region=' + encodeURIComponent(state.region) + '&mode=' + encodeURIComponent(state.mode);
}

async function loadIncidents() {
  const gen = generation;
  const requestedAt = Date.now();
  try {
    const { items: list, complete } = await api.getSome('/api/v1/incidents?' + query() + '&status=open', 'incidents',
      { maxItems: BOARD_LIMIT });
    if (gen !== generation) return;
    clearError('incidents');
    state.listComplete = complete;
    if (!complete) loadTotals();
    // The list comes from a read model that may trail the stream by a moment: whichever of the
    // two saw an incident's later change wins, and an incident the stream brought just now stays
    // even if the list does not have it yet.
    const merged = new Map();
    for (const item of list) {
      const current = state.incidents.get(item.incidentId);
      const ended = state.ended.get(item.incidentId);
      if (ended && Date.parse(ended) >= Date.parse(item.updatedAt)) continue; // closed since
      if (current && Date.parse(current.updatedAt) > Date.parse(item.updatedAt)) {
        merged.set(item.incidentId, { ...current, reportedAt: current.reportedAt || item.reportedAt });
      } else {
        merged.set(item.incidentId, { ...item, streamedAt: current ? current.streamedAt : 0 });
      }
    }
    for (const [id, current] of state.incidents) {
      if (!merged.has(id) && current.streamedAt >= requestedAt - LIST_LAG_MS && OPEN_STATUSES.includes(current.status)) {
        merged.set(id, current);
      }
    }
    state.incidents = merged;
    render();
  } catch (e) {
    if (gen === generation) {
      handleFailure('incidents', e, t('err.incidents'));
      render();
    }
  }
}

/** The true totals, for counters over more open incidents than the board holds. */
async function loadTotals() {
  const gen = generation;
  try {
    const totals = await api.get('/api/v1/incidents/open-counts?' + query());
    if (gen !== generation) return;
    clearError('totals');
    state.totals = totals;
    render();
  } catch (e) {
    if (gen === generation) {
      handleFailure('totals', e, t('err.totals'));
      render();
    }
  }
}

/** While the board is partial, the totals follow the stream (once it has been quiet for a moment). */
function totalsSoon() {
  if (state.listComplete || totalsTimer) return;
  const gen = generation;
  totalsTimer = setTimeout(() => {
    totalsTimer = null;
    if (gen === generation) loadTotals();
  }, TOTALS_AFTER_EVENT_MS);
}

async function loadSchools() {
  const gen = generation;
  try {
    const schools = await api.getAll('/api/v1/schools?region=' + encodeURIComponent(state.region) + '&limit=500', 'schools', { maxPages: 10 });
    if (gen !== generation) return;
    clearError('schools');
    state.schools = schools;
    state.schoolsLoaded = true;
    mapSignature = '';
    render();
  } catch (e) {
    if (gen === generation) {
      handleFailure('schools', e, t('err.schools'));
      render();
    }
  }
}

// A school registered after the map was read would stay off the map until the next minute's
// refresh. The registry list lags its writes by a few seconds, so it is read again with backoff
// (1 s, 2 s, 4 s … 30 s) until the schools the stream mentioned are in it.
const missingSchools = new Set();
let schoolsRetry = null;
function noticeSchool(schoolId) {
  if (!schoolId || !state.schoolsLoaded || state.schools.some(s => s.schoolId === schoolId)) return;
  missingSchools.add(schoolId);
  if (!schoolsRetry) scheduleSchoolsReload(1000);
}

function scheduleSchoolsReload(delay) {
  const gen = generation;
  schoolsRetry = setTimeout(async () => {
    if (gen !== generation) { schoolsRetry = null; missingSchools.clear(); return; }
    await loadSchools();
    for (const s of state.schools) missingSchools.delete(s.schoolId);
    schoolsRetry = null;
    if (missingSchools.size > 0 && delay < SCHOOLS_RELOAD_MAX_MS) scheduleSchoolsReload(Math.min(delay * 2, SCHOOLS_RELOAD_MAX_MS));
    else missingSchools.clear();
  }, delay);
}

/** Fills in when an incident was reported, for one that the stream brought before the list. */
async function loadReportedAt(id) {
  if (pendingReportedAt.has(id)) return;
  pendingReportedAt.add(id);
  const gen = generation;
  try {
    const incident = await api.get('/api/v1/incidents/' + encodeURIComponent(id));
    const current = state.incidents.get(id);
    if (gen === generation && current) {
      current.reportedAt = incident.reportedAt;
      render();
    }
  } catch (e) {
    // the card shows "–" until the next list refresh
  } finally {
    pendingReportedAt.delete(id);
  }
}

// --- prevention: warnings, risk layer, a school's risk -----------------------------------------

/** The region's active warnings (raised or acknowledged, not yet cleared), for the board. */
async function loadWarnings() {
  const gen = generation;
  try {
    const body = await api.get('/api/v1/warnings?region=' + encodeURIComponent(state.region) + '&state=ACTIVE&limit=200');
    if (gen !== generation) return;
    clearError('warnings');
    state.warnings = Array.isArray(body.warnings) ? body.warnings : [];
    state.warningsState = 'ok';
    render();
  } catch (e) {
    if (gen !== generation) return;
    // A role that may not read warnings (an operator) just does not get the strip.
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) {
      state.warningsState = 'forbidden';
      render();
      return;
    }
    state.warningsState = 'failed';
    handleFailure('warnings', e, t('err.warnings'));
    render();
  }
}

/** The region's open tips with their deadlines (read side; metadata only). */
async function loadTips() {
  const gen = generation;
  try {
    const body = await api.get('/api/v1/tips?region=' + encodeURIComponent(state.region) + '&state=open&limit=200');
    if (gen !== generation) return;
    clearError('tips');
    state.tips = Array.isArray(body.tips) ? body.tips : [];
    state.tipsState = 'ok';
    render();
  } catch (e) {
    if (gen !== generation) return;
    // A role that may not see the queue (an operator) just does not get it.
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) {
      state.tipsState = 'forbidden';
      render();
      return;
    }
    state.tipsState = 'failed';
    handleFailure('tips', e, t('err.tips'));
    render();
  }
}

/** The ranking of the region's schools (read side): the risk layer's colours. */
async function loadRisk() {
  const gen = generation;
  try {
    const body = await api.get('/api/v1/risk?region=' + encodeURIComponent(state.region) + '&top=1000');
    if (gen !== generation) return;
    clearError('risk');
    state.risk = new Map((body.schools || []).map(r => [r.schoolId, r]));
    state.riskLoaded = true;
    render();
  } catch (e) {
    if (gen === generation) {
      handleFailure('risk', e, t('err.risk'));
      render();
    }
  }
}

function toggleRiskLayer() {
  state.riskLayer = !state.riskLayer;
  const query = new URLSearchParams(window.location.search);
  if (state.riskLayer) query.set('layer', 'risk');
  else query.delete('layer');
  const search = query.toString();
  window.history.replaceState(null, '', window.location.pathname + (search ? '?' + search : ''));
  if (state.riskLayer) loadRisk();
  else clearError('risk');
  render();
}

async function selectSchool(schoolId) {
  if (!schoolId) return;
  state.selectedId = null;
  state.detail = null;
  state.devices = null;
  clearError('detail');
  state.selectedSchoolId = schoolId;
  state.school = null;
  render();
  await loadSchool(schoolId);
}

/** The school's score computed now (with its factors) and its hazards from the read side. */
async function loadSchool(schoolId) {
  const gen = generation;
  const id = encodeURIComponent(schoolId);
  const [risk, hazards] = await Promise.allSettled([
    api.get('/api/v1/schools/' + id + '/risk'),
    api.get('/api/v1/schools/' + id + '/hazards'),
  ]);
  if (gen !== generation || state.selectedSchoolId !== schoolId) return;
  if (risk.status === 'rejected') handleFailure('school', risk.reason, t('err.schoolRisk', { school: schoolId }));
  else clearError('school');
  state.school = {
    risk: risk.status === 'fulfilled' ? risk.value : (state.school && state.school.risk) || null,
    hazards: hazards.status === 'fulfilled' ? hazards.value.hazards || [] : null,
    failed: risk.status === 'rejected',
  };
  render();
}

function closeSchool() {
  state.selectedSchoolId = null;
  state.school = null;
  clearError('school');
  render();
}

// --- live stream ----------------------------------------------------------------------------

function openStream() {
  const gen = generation;
  const seen = Number(sessionStorage.getItem(SEQ_KEY + state.region.slice(0, 2))) || 0;
  state.replayUpTo = seen;
  let connections = 0;
  stream = new LiveStream({
    url: '/api/v1/stream/incidents?' + query(),
    token: state.token,
    lastEventId: seen > 0 ? String(Math.max(0, seen - REPLAY_EVENTS)) : '',
    onState: s => {
      if (gen !== generation) return;
      state.connection = s;
      if (s.state === 'live') {
        clearError('stream');
      } else if (s.state === 'failed') {
        if (s.status === 401) {
          signOut(t('login.refused', { message: s.detail }));
          return;
        }
        setError('stream', t('err.streamRefused', { status: s.status, detail: s.detail }));
      } else if (s.state === 'reconnecting' && s.status) {
        setError('stream', t('err.streamDown', { status: s.status, reason: s.reason.replace(/^HTTP \d+: /, '') }));
      }
      renderConnection();
    },
    onConnected: ({ resumedFrom }) => {
      if (gen !== generation) return;
      state.lastTraffic = Date.now();
      // After a gap, Last-Event-ID replays what was missed; the list is read again to be sure.
      if (resumedFrom && state.lastSeq > 0) {
        loadIncidents();
        setTimeout(() => { if (gen === generation) loadIncidents(); }, SETTLE_MS);
      }
      // Directive events have no id, so no reconnect replays them: after any gap their list is
      // read again (now and once the read side caught up).
      if (++connections > 1) {
        directives.reloadList(true);
        setTimeout(() => { if (gen === generation) directives.reloadList(); }, SETTLE_MS);
      }
    },
    onHeartbeat: () => {
      state.lastTraffic = Date.now();
    },
    onEvent: e => {
      if (gen !== generation) return;
      state.lastTraffic = Date.now();
      if (e.event === 'directive') {
        try {
          directives.apply(JSON.parse(e.data));
        } catch (err) {
          console.warn('stream: a directive event that is not JSON', e);
        }
        return;
      }
      if (e.event !== 'incident' && e.event !== 'warning') return;
      let data;
      try {
        data = JSON.parse(e.data);
      } catch (err) {
        console.warn('stream: an event that is not JSON', e);
        return;
      }
      if (e.event === 'warning') applyWarning(e.id, data);
      else applyEvent(e.id, data);
    },
  });
  stream.start();
}

function countDispatches(dispatches) {
  const counts = { notified: 0, acknowledged: 0, escalated: 0, unanswered: 0 };
  for (const d of dispatches || []) {
    const key = String(d.state || '').toLowerCase();
    if (key in counts) counts[key]++;
  }
  return counts;
}

/** Notes an event's place in the province's sequence; false if this tab has applied it already. */
function takeSeq(seq) {
  if (Number.isFinite(seq) && seq > 0) {
    if (seq <= state.lastSeq) return false; // already applied (a replay after reconnecting)
    state.lastSeq = seq;
    const key = SEQ_KEY + state.region.slice(0, 2);
    if (seq > (Number(sessionStorage.getItem(key)) || 0)) sessionStorage.setItem(key, String(seq));
  }
  return true;
}

/**
 * A change of an early warning on the stream (`event: warning`, the warning as it now is): the
 * board's strip follows at once; the 15-second reading of the list stays as the backstop.
 */
function applyWarning(id, e) {
  const w = e && e.warning;
  if (!takeSeq(Number(id || e.seq)) || !w || !w.warningId) return;
  if (w.regionCode && !w.regionCode.startsWith(state.region)) return;
  if (state.mode === 'EXERCISE') return; // warnings are about real schools' records
  const others = state.warnings.filter(x => x.warningId !== w.warningId);
  state.warnings = w.state === 'CLEARED' ? others : [w, ...others];
  if (state.warningsState === 'loading') state.warningsState = 'ok';
  if (w.schoolId === state.selectedSchoolId) loadSchool(w.schoolId);
  if (state.riskLayer && w.cause === 'RISK_LEVEL') loadRisk();
  render();
}

function applyEvent(id, e) {
  const seq = Number(id || e.seq);
  if (!takeSeq(seq)) return;
  if (!e.incidentId) return;
  if (state.mode !== 'ALL' && e.mode && e.mode !== state.mode) return;
  if (e.regionCode && !e.regionCode.startsWith(state.region)) return;
  noticeSchool(e.schoolId);
  // Replayed events (seen before, in this tab) update the board but are not news.
  const recent = !(seq <= state.replayUpTo);
  if (recent) {
    state.feed.unshift({ ...e, seq });
    state.feed.length = Math.min(state.feed.length, FEED_SIZE);
  }

  const previous = state.incidents.get(e.incidentId);
  // A replayed event older than what the board shows changes nothing.
  if (previous && Date.parse(previous.updatedAt) > Date.parse(e.at)) {
    render();
    return;
  }
  const counts = Array.isArray(e.dispatches) ? countDispatches(e.dispatches)
    : previous ? { notified: previous.notified, acknowledged: previous.acknowledged, escalated: previous.escalated, unanswered: previous.unanswered }
      : countDispatches([]);
  const entry = {
    ...(previous || {}),
    incidentId: e.incidentId,
    schoolId: e.schoolId ?? previous?.schoolId,
    schoolName: e.schoolName ?? previous?.schoolName,
    regionCode: e.regionCode ?? previous?.regionCode,
    type: e.type ?? previous?.type,
    level: e.level ?? previous?.level,
    mode: e.mode ?? previous?.mode,
    status: e.status ?? previous?.status,
    reportedAt: previous?.reportedAt || (e.event === 'reported' ? e.at : null),
    updatedAt: e.at || previous?.updatedAt,
    ...counts,
    streamedAt: Date.now(),
  };
  if (OPEN_STATUSES.includes(entry.status)) {
    state.incidents.set(e.incidentId, entry);
    if (recent) state.flash.set(e.incidentId, Date.now() + 2500);
    if (!entry.reportedAt) loadReportedAt(e.incidentId);
  } else {
    state.incidents.delete(e.incidentId);
    state.ended.set(e.incidentId, e.at);
  }

  if (e.incidentId === state.selectedId) {
    patchDetail(e);
    scheduleDetailRefresh();
  }
  totalsSoon();
  render();
}

// --- detail panel ---------------------------------------------------------------------------

async function selectIncident(id) {
  if (!id) return;
  state.selectedSchoolId = null;
  state.school = null;
  state.selectedId = id;
  state.detail = null;
  state.devices = null;
  mapSignature = '';
  render();
  await loadDetail(id);
}

async function loadDetail(id) {
  const gen = generation;
  try {
    const incident = await api.get('/api/v1/incidents/' + encodeURIComponent(id));
    if (gen !== generation || state.selectedId !== id) return;
    clearError('detail');
    state.detail = incident;
    render();
    loadDevices(id, incident.schoolId);
  } catch (e) {
    if (gen === generation && state.selectedId === id) {
      handleFailure('detail', e, t('err.detail', { id }));
      render();
    }
  }
}

/** The school's devices beside the incident; quietly absent when the caller may not read them. */
async function loadDevices(id, schoolId) {
  const gen = generation;
  try {
    const devices = await api.get('/api/v1/schools/' + encodeURIComponent(schoolId) + '/devices');
    if (gen !== generation || state.selectedId !== id) return;
    state.devices = devices;
  } catch (e) {
    if (gen !== generation || state.selectedId !== id) return;
    state.devices = null;
  }
  render();
}

function scheduleDetailRefresh() {
  clearTimeout(detailTimer);
  const id = state.selectedId;
  detailTimer = setTimeout(() => { if (id === state.selectedId) loadDetail(id); }, 250);
}

/** Applies a stream event to the open detail at once; the refresh that follows brings the timeline. */
function patchDetail(e) {
  const d = state.detail;
  if (!d) return;
  d.status = e.status || d.status;
  d.level = e.level || d.level;
  if (Array.isArray(e.dispatches)) {
    const byAgency = new Map((d.dispatches || []).map(x => [x.agencyId, x]));
    d.dispatches = e.dispatches.map(x => ({ ...(byAgency.get(x.agencyId) || {}), ...x }));
  }
  if (e.event && e.at && !(d.timeline || []).some(x => x.at === e.at && x.event === e.event)) {
    d.timeline = [...(d.timeline || []), { at: e.at, event: e.event, by: e.by, detail: e.detail }];
  }
}

function closeDetail() {
  state.selectedId = null;
  state.detail = null;
  state.devices = null;
  clearError('detail');
  mapSignature = '';
  render();
}

// --- errors ---------------------------------------------------------------------------------

function setError(source, message) {
  state.errors.set(source, message);
  renderBanners();
}

function clearError(source) {
  if (state.errors.delete(source)) renderBanners();
}

function renderBanners() {
  const banners = [...state.errors].map(([source, message]) =>
    h('div', { class: 'banner', role: 'alert', dataset: { source } },
      h('span', { class: 'banner-icon', 'aria-hidden': 'true' }, '!'), h('span', {}, message)));
  $('#banners').replaceChildren(...banners);
}

// --- rendering ------------------------------------------------------------------------------

function openIncidents() {
  return [...state.incidents.values()]
    .filter(i => OPEN_STATUSES.includes(i.status))
    .sort((a, b) => levelRank(a.level) - levelRank(b.level)
      || (Date.parse(a.reportedAt || a.updatedAt) || 0) - (Date.parse(b.reportedAt || b.updatedAt) || 0)
      || a.incidentId.localeCompare(b.incidentId));
}

/** Counters from the hub's totals when the board holds only part of the open incidents. */
function useTotals() {
  return !state.listComplete && state.totals !== null;
}

function render() {
  if (!state.token) return;
  const incidents = openIncidents();
  const shown = incidents.length > BOARD_LIMIT ? incidents.slice(0, BOARD_LIMIT) : incidents;
  renderCounters(incidents);
  renderDirectives();
  renderBoard(shown, incidents.length);
  renderMap(shown);
  renderDetail();
  renderSchool();
  renderWarnings();
  renderTips();
  const open = Boolean(state.selectedId || state.selectedSchoolId);
  $('#feed-wrap').hidden = open;
  $('.side').classList.toggle('has-detail', open);
  renderFeed();
  renderConnection();
  const actual = useTotals()
    ? state.totals.open - Object.values(state.totals.drillsByLevel || {}).reduce((n, v) => n + v, 0)
    : incidents.filter(i => i.mode !== 'EXERCISE').length;
  document.title = (actual ? '(' + actual + ') ' : '') + t('title.region', { region: state.region });
}

function renderDirectives() {
  if (!state.token) return;
  directives.render($('#directives'));
}

function counter(key, value, label, classes, sub, extra) {
  return h('div', { class: ['counter', ...classes, value === 0 && 'zero'], dataset: { counter: key, value: String(value) } },
    h('div', { class: 'counter-value' }, String(value)),
    h('div', { class: 'counter-label' }, label),
    h('div', { class: 'counter-sub' }, h('span', {}, sub || ''), extra ? h('span', { class: 'counter-drills' }, extra) : null));
}

function renderCounters(incidents) {
  const totals = useTotals() ? state.totals : null;
  const tiles = LEVELS.map(level => {
    let open;
    let drills;
    if (totals) {
      open = Number((totals.byLevel || {})[level]) || 0;
      drills = Number((totals.drillsByLevel || {})[level]) || 0;
    } else {
      const of = incidents.filter(i => i.level === level);
      open = of.length;
      drills = of.filter(i => i.mode === 'EXERCISE').length;
    }
    return counter('level-' + level, open, t('level.' + level), ['level', levelClass(level)],
      t('counter.open'), drills ? t('counter.drills', { n: drills }) : null);
  });
  const sum = key => totals ? Number((totals.dispatches || {})[key]) || 0
    : incidents.reduce((n, i) => n + (Number(i[key]) || 0), 0);
  const waiting = sum('notified');
  const escalated = sum('escalated');
  const unanswered = sum('unanswered');
  tiles.push(h('div', { class: 'counter-gap', 'aria-hidden': 'true' }));
  const dispatches = n => t('counter.dispatches', { n });
  tiles.push(counter('unacknowledged', waiting, t('counter.unacknowledged'), ['dispatch', waiting && 'warn'], dispatches(waiting)));
  tiles.push(counter('escalated', escalated, t('counter.escalated'), ['dispatch', escalated && 'warn'], dispatches(escalated)));
  tiles.push(counter('unanswered', unanswered, t('counter.unanswered'), ['dispatch', unanswered && 'alarm'], dispatches(unanswered)));
  $('#counters').replaceChildren(...tiles);
}

function chip(kind, label, value) {
  return h('span', { class: ['chip', 'chip-' + kind, !value && 'zero'], dataset: { kind, value: String(value || 0) } },
    h('b', {}, String(value || 0)), ' ', label);
}

function fillCard(el, i, now) {
  const drill = i.mode === 'EXERCISE';
  el.className = ['card', levelClass(i.level), drill && 'drill', i.unanswered > 0 && 'alarm',
    i.incidentId === state.selectedId && 'selected', !state.seen.has(i.incidentId) && 'fresh',
    (state.flash.get(i.incidentId) || 0) > now && 'flash'].filter(Boolean).join(' ');
  el.dataset.incidentId = i.incidentId;
  el.dataset.status = i.status || '';
  el.dataset.mode = i.mode || '';
  el.dataset.level = i.level || '';
  el.dataset.acknowledged = String(i.acknowledged || 0);
  el.replaceChildren(
    h('div', { class: 'card-top' },
      h('span', { class: 'level-badge', title: label('level.', i.level) }, i.level === 'UNGRADED' ? t('level.badgeUngraded') : i.level || '?'),
      h('span', { class: 'type' }, label('type.', i.type, humanize)),
      drill ? h('span', { class: 'drill-badge', title: t('card.drillTitle') }, t('card.drill')) : null,
      h('span', { class: 'since', title: t('card.since') + (i.reportedAt ? ' (' + shortTime(i.reportedAt) + ')' : ''),
        dataset: { since: i.reportedAt || '' } }, since(i.reportedAt, now))),
    h('div', { class: 'school-name' }, i.schoolName || i.schoolId || '–'),
    h('div', { class: 'meta' },
      h('span', { class: ['status', 'st-' + String(i.status || '').toLowerCase()] }, label('status.', i.status) || '–'),
      h('span', { class: 'region' }, i.regionCode || ''),
      h('span', { class: 'incident-id', title: i.incidentId }, shortId(i.incidentId))),
    h('div', { class: 'chips' },
      chip('notified', t('chip.awaiting'), i.notified),
      chip('acknowledged', t('chip.ack'), i.acknowledged),
      chip('escalated', t('chip.escalated'), i.escalated),
      chip('unanswered', t('chip.unanswered'), i.unanswered)));
}

/** inc-853242c9-4b9e-… → inc-853242c9: enough to tell cards apart and to read out loud. */
function shortId(id) {
  const m = /^(inc-[0-9a-f]{8})-[0-9a-f-]{27}$/i.exec(id || '');
  return m ? m[1] : id;
}

/** What a card shows: it is rebuilt only when this changes (the clocks on it tick by themselves). */
function cardSignature(i, now) {
  return [i.level, i.type, i.mode, i.status, i.schoolName, i.schoolId, i.regionCode, i.reportedAt, i.notified,
    i.acknowledged, i.escalated, i.unanswered, i.incidentId === state.selectedId, state.seen.has(i.incidentId),
    (state.flash.get(i.incidentId) || 0) > now].join('|');
}

function renderBoard(incidents, openHere) {
  const board = $('#board');
  const now = Date.now();
  const keep = new Set(incidents.map(i => i.incidentId));
  for (const [id, el] of cardElements) {
    if (!keep.has(id)) {
      el.remove();
      cardElements.delete(id);
      cardSignatures.delete(id);
    }
  }
  incidents.forEach((i, index) => {
    let el = cardElements.get(i.incidentId);
    if (!el) {
      el = h('article', { tabindex: 0, role: 'button' });
      cardElements.set(i.incidentId, el);
    }
    const signature = cardSignature(i, now);
    if (cardSignatures.get(i.incidentId) !== signature) {
      fillCard(el, i, now);
      cardSignatures.set(i.incidentId, signature);
    }
    if (board.children[index] !== el) board.insertBefore(el, board.children[index] || null);
  });
  for (const i of incidents) state.seen.add(i.incidentId);

  const empty = incidents.length === 0;
  // Without the list the board does not know; it must not look like an all-clear.
  const unknown = state.errors.has('incidents') || state.errors.has('filter');
  $('#board-empty').hidden = !empty;
  $('#board-empty').classList.toggle('unknown', unknown);
  $('#board-empty .empty-text').textContent = unknown ? t('board.unavailable') : t('board.none');
  $('#board-empty-sub').textContent = unknown ? t('board.seeAbove') : t('board.regionMode', { region: state.region, mode: modeLabel() });
  const drills = incidents.filter(i => i.mode === 'EXERCISE').length;
  const total = useTotals() ? Math.max(state.totals.open, openHere) : openHere;
  const partial = incidents.length < total;
  $('#board-caption').textContent = (partial ? t('board.partial', { shown: incidents.length, total })
    : t('board.open', { n: incidents.length }) + (drills ? t('board.drills', { n: drills }) : ''))
    + t('board.region', { region: state.region, mode: modeLabel() });
  $('#board-caption').dataset.shown = String(incidents.length);
  $('#board-caption').dataset.total = String(total);
}

function modeLabel() {
  return t('modeLabel.' + state.mode);
}

function renderMap(incidents) {
  const hot = new Map();
  for (const i of incidents) {
    const h0 = hot.get(i.schoolId);
    if (!h0) {
      hot.set(i.schoolId, { level: i.level, count: 1, drill: i.mode === 'EXERCISE', incidentId: i.incidentId });
    } else {
      h0.count++;
      h0.drill = h0.drill && i.mode === 'EXERCISE';
      if (levelRank(i.level) < levelRank(h0.level)) { h0.level = i.level; h0.incidentId = i.incidentId; }
    }
  }
  const selectedSchool = state.selectedId ? (state.incidents.get(state.selectedId) || state.detail || {}).schoolId : null;
  const risk = state.riskLayer ? {
    levels: state.risk, selectedSchoolId: state.selectedSchoolId, onSelectSchool: selectSchool,
  } : null;
  const signature = JSON.stringify([state.schools.length, [...hot], selectedSchool, state.schoolsLoaded,
    state.errors.has('schools'), state.riskLayer, state.riskLayer ? [...state.risk].map(([id, r]) => id + r.level + r.overall) : null,
    state.selectedSchoolId]);
  if (signature === mapSignature) return;
  mapSignature = signature;
  const container = $('#map');
  if (!state.schoolsLoaded) {
    container.replaceChildren(h('div', { class: 'map-empty' },
      state.errors.has('schools') ? t('map.unavailable') : t('map.loading')));
    $('#map-caption').textContent = '';
    return;
  }
  const drawn = drawMap(container, state.schools, hot, selectedSchool, selectIncident, risk);
  if (drawn === 0) container.replaceChildren(h('div', { class: 'map-empty' }, t('map.noSchools', { region: state.region })));
  $('#map-caption').textContent = t('map.caption', { n: drawn, hot: hot.size });
  renderRiskLegend();
}

/** The toggle's state and, with the layer on, how many of the region's schools are at each level. */
function renderRiskLegend() {
  const toggle = $('#risk-toggle');
  toggle.setAttribute('aria-pressed', String(state.riskLayer));
  const legend = $('#risk-legend');
  legend.hidden = !state.riskLayer;
  if (!state.riskLayer) return;
  const ids = new Set(state.schools.map(s => s.schoolId));
  const rows = [...state.risk.values()].filter(r => ids.has(r.schoolId));
  legend.replaceChildren(...(state.riskLoaded ? RISK_LEVELS.map(level => {
    const n = rows.filter(r => r.level === level).length;
    return h('span', { class: ['swatch', riskClass(level)], dataset: { level, count: String(n) } }, t('risk.' + level) + ' ' + n);
  }).concat([h('span', { class: ['swatch', 'risk-none'], dataset: { level: 'NONE' } }, t('risk.noScore', { n: Math.max(0, ids.size - rows.length) }))])
    : [h('span', {}, t('risk.loading'))]));
}

function dispatchRow(d, now) {
  const stateName = String(d.state || '');
  let timing;
  if (stateName === 'NOTIFIED' && d.deadline) {
    timing = h('span', { class: 'countdown', dataset: { deadline: d.deadline } }, countdownText(d.deadline, now));
  } else if (stateName === 'ACKNOWLEDGED') {
    timing = h('span', { class: 'timing' }, t('dispatch.at', { time: shortTime(d.ackAt) }));
  } else if (stateName === 'ESCALATED') {
    timing = h('span', { class: 'timing' }, t('dispatch.passedUp'));
  } else if (stateName === 'UNANSWERED') {
    timing = h('span', { class: 'timing' }, t('dispatch.noTier'));
  } else {
    timing = h('span', { class: 'timing' }, '');
  }
  return h('li', { class: ['dispatch', 'ds-' + stateName.toLowerCase()], dataset: { agencyId: d.agencyId, state: stateName } },
    h('span', { class: 'agency-name' }, h('span', { class: 'kind' }, label('agencyKind.', d.kind, humanize)), d.agencyName || d.agencyId),
    h('span', { class: 'dispatch-state' }, label('dispatchState.', stateName)),
    h('span', { class: 'agency-id' }, d.agencyId + (d.tier ? ' · ' + label('tier.', d.tier, x => humanize(x) + ' tier') : '')),
    timing);
}

/** What needs attention first: unanswered, then waiting (soonest deadline first), then done. */
function sortDispatches(dispatches) {
  const rank = { UNANSWERED: 0, NOTIFIED: 1, ACKNOWLEDGED: 2, ESCALATED: 3 };
  return [...dispatches].sort((a, b) => (rank[a.state] ?? 4) - (rank[b.state] ?? 4)
    || (Date.parse(a.deadline) || 0) - (Date.parse(b.deadline) || 0));
}

function countdownText(deadline, now) {
  const left = Date.parse(deadline) - now;
  return left >= 0 ? t('dispatch.escalatesIn', { d: duration(left) }) : t('dispatch.overdue', { d: duration(-left) });
}

let detailSignature = '';

function renderDetail() {
  const panel = $('#detail');
  const id = state.selectedId;
  // Rebuilt only when it changed (clocks tick by themselves): keeps the officer's scroll position.
  const signature = JSON.stringify([id, state.detail, state.devices, state.incidents.get(id)?.schoolName, state.errors.has('detail')]);
  if (signature === detailSignature) return;
  detailSignature = signature;
  panel.hidden = !id;
  panel.className = 'detail';
  if (!id) {
    panel.replaceChildren();
    return;
  }
  const now = Date.now();
  const d = state.detail;
  const summary = state.incidents.get(id) || {};
  const close = h('button', { type: 'button', class: 'ghost close', title: t('detail.close'), onclick: closeDetail }, '×');
  if (!d) {
    panel.dataset.incidentId = id;
    panel.replaceChildren(h('div', { class: 'detail-head' }, h('h2', {}, summary.schoolName || id), close),
      h('p', { class: 'muted' }, state.errors.has('detail') ? t('detail.loadFailed') : t('loading')));
    return;
  }
  const drill = d.mode === 'EXERCISE';
  const latest = (d.reports || [])[Math.max(0, (d.reports || []).length - 1)] || {};
  const casualties = d.casualties || {};
  panel.dataset.incidentId = id;
  panel.className = ['detail', levelClass(d.level), drill && 'drill'].filter(Boolean).join(' ');
  panel.replaceChildren(...[
    h('div', { class: 'detail-head' },
      h('span', { class: 'level-badge', title: label('level.', d.level) }, d.level === 'UNGRADED' ? t('level.badgeUngraded') : d.level),
      h('div', { class: 'detail-title' },
        h('h2', {}, label('type.', d.type, humanize) + ' · ' + (d.schoolName || d.schoolId)),
        h('div', { class: 'detail-sub' },
          h('span', { class: ['status', 'st-' + String(d.status).toLowerCase()], id: 'detail-status', dataset: { status: d.status } },
            label('status.', d.status)),
          h('span', { class: 'level-name' }, label('level.', d.level)),
          drill ? h('span', { class: 'drill-badge' }, t('card.drill')) : null,
          h('span', {}, d.regionCode),
          h('span', {}, t('detail.reported', { at: shortTime(d.reportedAt) }),
            h('span', { dataset: { since: d.reportedAt } }, since(d.reportedAt, now)), t('detail.ago')))),
      close),
    latest.summary ? h('p', { class: 'detail-summary', dataset: { reportKind: latest.kind } },
      latest.kind ? t('detail.latestReport', { kind: label('reportKind.', latest.kind, humanize) }) : '', latest.summary) : null,
    h('div', { class: 'facts' },
      fact(t('fact.injured'), casualties.injured), fact(t('fact.dead'), casualties.dead), fact(t('fact.missing'), casualties.missing),
      h('div', { class: 'fact wide' }, h('span', { class: 'fact-label' }, t('fact.incident')), h('span', { class: 'fact-value mono' }, d.incidentId))),
    (d.uncoveredKinds || []).length ? h('div', { class: 'uncovered' },
      t('detail.uncovered', { kinds: d.uncoveredKinds.map(k => label('agencyKind.', k, humanize)).join(', ') })) : null,
    h('h3', {}, t('detail.dispatches')),
    h('ul', { class: 'dispatches' }, (d.dispatches || []).length
      ? sortDispatches(d.dispatches).map(x => dispatchRow(x, now)) : h('li', { class: 'muted' }, t('detail.noDispatch'))),
    d.device ? h('div', { class: 'device-origin' },
      h('span', { class: 'fact-label' }, t('detail.device')),
      h('span', { class: 'mono' }, d.device.deviceId),
      h('span', {}, d.device.place || ''),
      h('span', { class: 'muted' }, t('detail.gateway', { id: d.device.gatewayId })),
      h('span', { class: 'evidence-count' }, t('detail.alarms', { n: d.evidenceCount || 0 }))) : null,
    deviceList(d.schoolId),
    h('h3', {}, t('detail.timeline')),
    h('ol', { class: 'timeline' }, [...(d.timeline || [])].reverse().map(entry =>
      h('li', { class: 'tl-' + entry.event },
        h('span', { class: 'tl-time' }, shortTime(entry.at)),
        h('span', { class: 'tl-event' }, label('event.', entry.event)),
        h('span', { class: 'tl-detail' }, [entry.detail, entry.by].filter(Boolean).join(' — '))))),
  ].filter(Boolean));
}

/** The school's devices with their state, offline and flagged ones first. */
function deviceList(schoolId) {
  const list = state.devices;
  if (!list || list.schoolId !== schoolId || !(list.devices || []).length) return null;
  const rank = x => (x.state === 'OFFLINE' ? 0 : x.state === 'FAULT' ? 1 : x.flagged ? 2 : 3);
  const devices = [...list.devices].sort((a, b) => rank(a) - rank(b) || a.deviceId.localeCompare(b.deviceId));
  return h('div', { class: 'school-devices' },
    h('h3', {}, t('devices.title', { n: devices.length })),
    h('ul', { class: 'devices' }, devices.slice(0, 30).map(x =>
      h('li', { class: ['device', 'dev-' + String(x.state).toLowerCase(), x.flagged && 'dev-flagged'] },
        h('span', { class: 'mono' }, x.deviceId),
        h('span', { class: 'muted' }, label('deviceKind.', x.kind, humanize) + (x.location ? ' · ' + x.location.building + (x.location.floor ? ' ' + x.location.floor : '') : t('devices.unregistered'))),
        h('span', { class: 'dev-state' }, label('deviceState.', x.state) + (x.flagged ? t('devices.flagged') : '')),
        h('span', { class: 'muted' }, t('devices.false', { f: x.falseAlarms, n: x.alarms }))))));
}

function fact(label, value) {
  return h('div', { class: ['fact', Number(value) > 0 && 'nonzero'] },
    h('span', { class: 'fact-label' }, label), h('span', { class: 'fact-value' }, value === undefined || value === null ? '–' : String(value)));
}

let schoolSignature = '';

function renderSchool() {
  const panel = $('#school-detail');
  const id = state.selectedSchoolId;
  const signature = JSON.stringify([id, state.school, state.warnings.filter(w => w.schoolId === id)]);
  if (signature === schoolSignature) return;
  schoolSignature = signature;
  panel.hidden = !id;
  if (!id) {
    panel.replaceChildren();
    delete panel.dataset.schoolId;
    return;
  }
  const s = state.school || {};
  panel.dataset.schoolId = id;
  panel.className = ['detail', 'school-detail', s.risk && riskClass(s.risk.level)].filter(Boolean).join(' ');
  panel.replaceChildren(...schoolPanel({
    schoolId: id,
    school: state.schools.find(x => x.schoolId === id),
    risk: s.risk,
    hazards: s.hazards,
    warnings: state.warnings,
    failed: s.failed,
    now: Date.now(),
    onClose: closeSchool,
  }));
}

let tipsSignature = '';

function renderTips() {
  // Drills have no tips: the queue is about real schools.
  const wrap = $('#tips-wrap');
  wrap.hidden = state.tipsState === 'forbidden' || state.mode === 'EXERCISE';
  const signature = JSON.stringify([state.tips, state.tipsState]);
  if (signature === tipsSignature) return;
  tipsSignature = signature;
  const now = Date.now();
  $('#tips').replaceChildren(...(state.tips.length ? tipsQueue(state.tips, now)
    : [h('li', { class: 'tips-empty' }, state.tipsState === 'loading' ? t('loading')
      : state.tipsState === 'failed' ? t('tips.unavailable') : t('tips.noneIn', { region: state.region }))]));
  const overdue = state.tips.filter(tip => isOverdue(tip, now)).length;
  $('#tips-caption').textContent = state.tips.length ? t('tips.caption', { n: state.tips.length, overdue }) : '';
  $('#tips-caption').dataset.open = String(state.tips.length);
}

let warningsSignature = '';

function renderWarnings() {
  const wrap = $('#warnings-wrap');
  wrap.hidden = state.warningsState === 'forbidden';
  const signature = JSON.stringify([state.warnings, state.warningsState]);
  if (signature === warningsSignature) return;
  warningsSignature = signature;
  const list = [...state.warnings].sort((a, b) => riskRank(a.level) - riskRank(b.level)
    || (Date.parse(b.raisedAt) || 0) - (Date.parse(a.raisedAt) || 0));
  const raised = list.filter(w => w.state === 'RAISED').length;
  $('#warnings').replaceChildren(...(list.length ? warningStrip(list, Date.now(), selectSchool)
    : [h('li', { class: 'warnings-empty' }, state.warningsState === 'loading' ? t('loading')
      : state.warningsState === 'failed' ? t('warnings.unavailable') : t('warnings.noneIn', { region: state.region }))]));
  $('#warnings-caption').textContent = list.length ? t('warnings.caption', { n: list.length, raised }) : '';
  $('#warnings-caption').dataset.active = String(list.length);
}

function renderFeed() {
  const items = state.feed.map(e => h('li', {
    class: ['feed-item', levelClass(e.level), e.mode === 'EXERCISE' && 'drill', 'ev-' + e.event],
    dataset: { incidentId: e.incidentId }, tabindex: 0, role: 'button',
  },
  h('span', { class: 'feed-time' }, shortTime(e.at)),
  h('span', { class: 'level-dot', 'aria-hidden': 'true' }),
  h('span', { class: 'feed-event' }, label('event.', e.event)),
  h('span', { class: 'feed-text' }, (e.schoolName || e.schoolId || '') + (e.mode === 'EXERCISE' ? t('feed.drill') : '')
    + (e.detail ? ' — ' + e.detail : ''))));
  $('#feed').replaceChildren(...(items.length ? items
    : [h('li', { class: 'feed-empty muted' }, t('feed.empty'))]));
  $('#feed-caption').textContent = state.lastSeq ? t('feed.last', { seq: state.lastSeq }) : '';
}

function renderConnection() {
  const el = $('#connection');
  const c = state.connection;
  const now = Date.now();
  let text;
  switch (c.state) {
    case 'live': text = t('conn.live'); break;
    case 'connecting': text = c.attempt ? t('conn.reconnecting') : t('conn.connecting'); break;
    case 'reconnecting': text = t('conn.reconnectingIn', { s: Math.max(1, Math.ceil((c.retryAt - now) / 1000)) }); break;
    case 'failed': text = t('conn.failed'); break;
    default: text = t('conn.idle');
  }
  el.dataset.state = c.state;
  $('#connection-text').textContent = text;
  el.title = c.state === 'live'
    ? t('conn.liveSince', { time: clockTime(new Date(c.since)) }) + (state.lastTraffic ? t('conn.lastTraffic', { ago: duration(now - state.lastTraffic) }) : '')
    : (c.reason || c.detail || t('conn.title'));
}

/** Once a second: the clock, every "time since" and every countdown, without re-rendering. */
function tick() {
  const now = Date.now();
  $('#clock').textContent = clockTime(new Date(now));
  if (!state.token) return;
  for (const el of document.querySelectorAll('[data-since]')) {
    if (el.dataset.since) el.textContent = since(el.dataset.since, now);
  }
  for (const el of document.querySelectorAll('[data-deadline]')) {
    el.textContent = countdownText(el.dataset.deadline, now);
    const left = Date.parse(el.dataset.deadline) - now;
    el.classList.toggle('overdue', left < 0);
    el.classList.toggle('soon', left >= 0 && left < 60000);
  }
  for (const el of document.querySelectorAll('[data-due]')) {
    el.textContent = dueText(el.dataset.due, now);
    el.classList.toggle('overdue', Date.parse(el.dataset.due) < now);
  }
  tickDirectives($('#directives'), now);
  for (const [id, until] of state.flash) {
    if (until <= now) {
      state.flash.delete(id);
      const el = cardElements.get(id);
      if (el) el.classList.remove('flash');
    }
  }
  if (state.connection.state === 'reconnecting' || state.connection.state === 'live') renderConnection();
}

// --- wiring ---------------------------------------------------------------------------------

function wire() {
  $('#login-form').addEventListener('submit', e => {
    e.preventDefault();
    const token = $('#login-token').value.trim().replace(/^Bearer\s+/i, '');
    if (!token) {
      $('#login-message').textContent = t('login.pasteFirst');
      return;
    }
    signIn(token);
  });
  $('#sign-out').addEventListener('click', () => signOut());
  $('#filters').addEventListener('submit', e => { e.preventDefault(); applyFilters(); });
  $('#region').addEventListener('change', applyFilters);
  for (const radio of document.querySelectorAll('input[name=mode]')) radio.addEventListener('change', applyFilters);
  const pick = e => {
    const target = e.target.closest('[data-incident-id]');
    if (target && !target.classList.contains('detail')) selectIncident(target.dataset.incidentId);
  };
  $('#board').addEventListener('click', pick);
  $('#feed').addEventListener('click', pick);
  for (const list of [$('#board'), $('#feed')]) {
    list.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(e); } });
  }
  document.addEventListener('keydown', e => {
    if (e.key === 'Escape' && state.selectedId) closeDetail();
    else if (e.key === 'Escape' && state.selectedSchoolId) closeSchool();
  });
  $('#risk-toggle').addEventListener('click', toggleRiskLayer);
  window.addEventListener('hashchange', () => {
    if (takeTokenFromFragment() && storedToken()) signIn(storedToken());
  });
}

// --- language -------------------------------------------------------------------------------

/** Who is signed in, in the page's language. */
function renderWho() {
  const claims = state.claims;
  if (!claims) return;
  $('#who-role').textContent = describeRole(claims.role);
  $('#who-sub').textContent = String(claims.sub || '');
  $('#who-sub').title = t('login.signedInAs', { role: describeRole(claims.role), sub: claims.sub })
    + (claims.exp ? t('login.until', { at: localTime(new Date(claims.exp * 1000)) }) : '');
}

/** Another language: the catalogue's strings on the page, and everything drawn again in it. */
async function switchLanguage(lang) {
  rememberLanguage(LANG_KEY, lang);
  // A ?lang= in the address would pin the old language on the next reload: it follows the choice.
  const query = new URLSearchParams(window.location.search);
  if (query.has('lang')) {
    query.set('lang', lang);
    window.history.replaceState(null, '', window.location.pathname + '?' + query.toString());
  }
  await applyLanguage(lang, 'title');
  for (const key of [...cardSignatures.keys()]) cardSignatures.delete(key);
  mapSignature = '';
  detailSignature = '';
  schoolSignature = '';
  tipsSignature = '';
  warningsSignature = '';
  if (state.token) {
    renderWho();
    render();
    renderBanners();
  } else {
    document.title = t('title.signIn');
  }
  document.body.dataset.lang = language();
}

async function boot() {
  takeTokenFromFragment();
  await applyLanguage(pickLanguage(LANG_KEY), 'title');
  document.body.dataset.lang = language();
  for (const button of document.querySelectorAll('.lang button')) {
    button.addEventListener('click', () => switchLanguage(button.dataset.lang));
  }
  wire();
  tick();
  setInterval(tick, 1000);
  const token = storedToken();
  if (token) signIn(token);
  else showLogin();
}

boot();
