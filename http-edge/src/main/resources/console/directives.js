// Active directives: one card per directive with its progress — schools acknowledged of all,
// the share of people accounted for, how many are missing — and its schools, the silent ones
// first (they are the ones to phone).
//
// The stream's `event: directive` carries a directive's whole totals after every change (and has
// no id, so it never moves Last-Event-ID): the bars follow it at once. The per-school list comes
// from GET /api/v1/directives/{id}, read again shortly after each event (at most one request in
// flight per directive). The console opens with the directives in force over its region from
// GET /api/v1/directives (the read side, a moment behind); the ids this tab has seen are also
// kept in sessionStorage per region and read again after a reload. Because the list trails the
// stream, and directive events have no id (a reconnect does not replay them), the console reads
// the list again a little after opening, after every reconnect and every 15 s (app.js): a
// directive issued just before the console opened, or during a gap, shows up at the next read.
//
// Each card also counts the notices the directive put on its schools' guardian feeds (the GET's
// guardianNotices: a posture set or released per school, counted by the hub's read side from the
// schools' records). The read side follows the schools by a moment, so while an ACTUAL
// directive's count is short of its schools the GET is read again a few times, and after that at
// every read of the list.

import { h } from './dom.js';
import { duration, humanize } from './format.js';
import { label, language, t } from '../tips/i18n.js';

const STORE_KEY = 'schoolSafetyHub.directives.';
/** A directive's schools are read again at most this often while its events keep coming. */
const REFRESH_MS = 1500;
/** Schools listed per card; the rest are counted. */
const SHOWN_SCHOOLS = 12;
/** While the guardian count trails the schools the GET is read again (REFRESH_MS later), this often at most. */
const GUARDIANS_REFRESHES = 20;

export class Directives {
  constructor({ api, onChange, onError }) {
    this.api = api;
    this.onChange = onChange;
    this.onError = onError;
    this.region = '';
    this.mode = 'ALL';
    this.items = new Map(); // directiveId → { id, posture, scope, mode, deadline, instruction, totals, schools, status }
    this.loading = new Map(); // directiveId → { timer, inFlight, again }
    this.guardianReads = new Map(); // directiveId → GETs made while its guardian count trailed
    this.generation = 0;
    this.drawn = ''; // what the cards on screen show (render)
  }

  /** A new region or mode: forget what is shown and read the directives this tab knew for it. */
  reset(region, mode) {
    this.generation++;
    for (const l of this.loading.values()) clearTimeout(l.timer);
    this.loading = new Map();
    this.items = new Map();
    this.guardianReads = new Map();
    this.region = region;
    this.mode = mode;
    for (const id of this.remembered()) this.refresh(id, 0);
    this.loadList(this.generation, true);
  }

  /**
   * Reads the list again. New directives in it are read like one seen on the stream; with
   * `everything` (after a gap on the stream) all of them are. Shown directives missing from it
   * are read again too: lifted while the stream was down, they leave; merely newer than the list,
   * they stay.
   */
  reloadList(everything = false) {
    this.loadList(this.generation, everything);
  }

  /** The directives in force over the region (the list), each then read like one seen on the stream. */
  async loadList(gen, everything) {
    if (!this.region) return;
    try {
      const list = await this.api.get('/api/v1/directives?region=' + encodeURIComponent(this.region)
        + '&mode=' + encodeURIComponent(this.mode || 'ALL') + '&state=ACTIVE');
      if (gen !== this.generation) return;
      const listed = new Set();
      for (const d of list.directives || []) {
        listed.add(d.directiveId);
        if (everything || !this.items.has(d.directiveId) || this.guardiansTrail(d.directiveId)) {
          this.remember(d.directiveId);
          this.refresh(d.directiveId, 0);
        }
      }
      for (const id of this.items.keys()) {
        if (!listed.has(id)) this.refresh(id, 0);
      }
    } catch (e) {
      // 403: not a list this caller may read (an operator sees exercises only); the stream still
      // brings every directive that changes.
      if (gen === this.generation && e.status !== 403) this.onError(e);
    }
  }

  /**
   * Whether an ACTUAL directive's guardian count is still short of its schools once its quick
   * re-reads are spent: a read side that fell further behind (a busy node) is then caught up with
   * at each list read, so the count never stays short for good.
   */
  guardiansTrail(id) {
    const item = this.items.get(id);
    return !!item && guardiansShort(item) && (this.guardianReads.get(id) || 0) >= GUARDIANS_REFRESHES;
  }

  /** `data` of an `event: directive` on the incident stream. */
  apply(data) {
    if (!data || !data.directiveId) return;
    if (this.mode !== 'ALL' && data.mode && data.mode !== this.mode) return;
    if (data.status === 'LIFTED' || data.event === 'lifted') {
      this.drop(data.directiveId);
      return;
    }
    const item = this.items.get(data.directiveId) || { id: data.directiveId, schools: null };
    Object.assign(item, {
      posture: data.posture, scope: data.scope, mode: data.mode, deadline: data.deadline, status: data.status,
      totals: fromStream(data.totals),
    });
    this.items.set(item.id, item);
    this.remember(item.id);
    this.onChange();
    this.refresh(item.id, item.schools ? REFRESH_MS : 0);
  }

  /** Active directives, the one with the most silent schools first. */
  active() {
    return [...this.items.values()]
      .filter(d => d.status !== 'LIFTED' && d.totals)
      .sort((a, b) => (b.totals.schools - b.totals.acknowledged) - (a.totals.schools - a.totals.acknowledged)
        || String(a.deadline).localeCompare(String(b.deadline)) || a.id.localeCompare(b.id));
  }

  refresh(id, delay) {
    const l = this.loading.get(id) || { timer: null, inFlight: false, again: false };
    this.loading.set(id, l);
    if (l.inFlight) {
      l.again = true;
      return;
    }
    if (l.timer) return;
    l.timer = setTimeout(() => this.load(id, l), delay);
  }

  async load(id, l) {
    const gen = this.generation;
    l.timer = null;
    l.inFlight = true;
    try {
      const view = await this.api.get('/api/v1/directives/' + encodeURIComponent(id));
      if (gen !== this.generation) return;
      if (view.status === 'LIFTED' || (this.mode !== 'ALL' && view.mode !== this.mode)) {
        this.drop(id);
        return;
      }
      const item = this.items.get(id) || { id };
      Object.assign(item, {
        posture: view.posture, scope: view.scope, mode: view.mode, deadline: view.deadline, status: view.status,
        instruction: view.instruction, totals: fromView(view.totals), schools: silentFirst(view.schools || []),
        guardianNotices: view.guardianNotices || null,
      });
      this.items.set(id, item);
      const reads = this.guardianReads.get(id) || 0;
      if (guardiansShort(item) && reads < GUARDIANS_REFRESHES) {
        this.guardianReads.set(id, reads + 1);
        l.again = true;
      }
      this.onError(null);
      this.onChange();
    } catch (e) {
      if (gen !== this.generation) return;
      if (e.status === 404 || e.status === 403) {
        this.drop(id); // gone, or not ours to see
      } else {
        this.onError(e);
      }
    } finally {
      l.inFlight = false;
      if (l.again && gen === this.generation) {
        l.again = false;
        this.refresh(id, REFRESH_MS);
      }
    }
  }

  drop(id) {
    this.items.delete(id);
    const l = this.loading.get(id);
    if (l) clearTimeout(l.timer);
    this.loading.delete(id);
    this.forget(id);
    this.onChange();
  }

  remembered() {
    try {
      return JSON.parse(sessionStorage.getItem(STORE_KEY + this.region) || '[]').filter(id => typeof id === 'string');
    } catch (e) {
      return [];
    }
  }

  remember(id) {
    const ids = this.remembered();
    if (!ids.includes(id)) sessionStorage.setItem(STORE_KEY + this.region, JSON.stringify([...ids, id].slice(-50)));
  }

  forget(id) {
    sessionStorage.setItem(STORE_KEY + this.region, JSON.stringify(this.remembered().filter(x => x !== id)));
  }

  /**
   * Draws the cards, unless what they show is what is already drawn: the list is read again every
   * few seconds, and cards rebuilt for nothing would lose a selection or a screen reader's place.
   * (Deadlines count down in place: tickDirectives.)
   */
  render(section, now = Date.now()) {
    const active = this.active();
    section.hidden = active.length === 0;
    const list = section.querySelector('.directive-list');
    const drawn = JSON.stringify([language(), active]);
    if (drawn !== this.drawn) {
      list.replaceChildren(...active.map(d => card(d, now)));
      this.drawn = drawn;
    }
    section.querySelector('.caption').textContent = t('directives.active', { n: active.length });
  }
}

/** The stream's totals carry headcounts; missing is their sum, silent the schools not acknowledged. */
function fromStream(t) {
  const students = t.students || {};
  const staff = t.staff || {};
  return {
    schools: t.schools || 0,
    acknowledged: t.acknowledged || 0,
    escalated: t.escalated || 0,
    accountedPercent: Number(t.accountedPercent) || 0,
    missing: (students.missing || 0) + (staff.missing || 0),
  };
}

function fromView(t) {
  return {
    schools: t.schools || 0,
    acknowledged: t.acknowledged || 0,
    escalated: t.escalated || 0,
    accountedPercent: Number(t.accountedPercent) || 0,
    missing: t.missing || 0,
  };
}

/** The hub lists silent schools first already; kept so here whatever order comes. */
/** Whether an ACTUAL directive's guardian count (the read side's) is still short of its schools. */
function guardiansShort(item) {
  const counted = item.guardianNotices;
  return item.mode === 'ACTUAL' && !!counted && counted.schools < (item.schools || []).length;
}

function silentFirst(schools) {
  return [...schools].sort((a, b) => Number(a.acknowledged) - Number(b.acknowledged)
    || (a.accountedPercent || 0) - (b.accountedPercent || 0) || String(a.name).localeCompare(String(b.name)));
}

function bar(kind, value, max, name, text) {
  return h('div', { class: ['bar', 'bar-' + kind] },
    h('div', { class: 'bar-head' }, h('span', { class: 'bar-label' }, name), h('span', { class: 'bar-text' }, text)),
    h('progress', { class: kind + '-bar', max: String(max), value: String(Math.min(value, max)), 'aria-label': name + ': ' + text }));
}

function ackText(left) {
  return left >= 0 ? t('directive.acksDue', { d: duration(left) }) : t('directive.acksOverdue', { d: duration(-left) });
}

function card(d, now) {
  const n = d.totals;
  const silent = n.schools - n.acknowledged;
  // Exercise directives change no posture and tell no guardian: nothing to count.
  const guardians = d.mode === 'ACTUAL' ? d.guardianNotices : null;
  const left = Date.parse(d.deadline) - now;
  const schools = d.schools || [];
  const shown = schools.slice(0, SHOWN_SCHOOLS);
  return h('article', {
    class: ['directive', 'posture-' + String(d.posture || '').toLowerCase(), d.mode === 'EXERCISE' && 'drill', silent > 0 && 'has-silent'],
    dataset: {
      directiveId: d.id, schools: String(n.schools), acknowledged: String(n.acknowledged),
      accountedPercent: n.accountedPercent.toFixed(1), missing: String(n.missing),
    },
  },
  h('div', { class: 'directive-summary' },
  h('div', { class: 'directive-head' },
    h('span', { class: 'directive-posture' }, label('posture.', d.posture, humanize)),
    h('span', { class: 'directive-scope' }, t('directive.region', { scope: d.scope || '–' }) + (d.mode === 'EXERCISE' ? t('directive.drill') : '')),
    silent > 0 && Number.isFinite(left)
      ? h('span', { class: ['ack-deadline', left < 0 && 'overdue'], dataset: { ackDeadline: d.deadline } }, ackText(left))
      : null),
  d.instruction ? h('p', { class: 'directive-instruction' }, d.instruction) : null,
  bar('ack', n.acknowledged, Math.max(1, n.schools), t('directive.acknowledged'),
    t('directive.acknowledgedText', { acked: n.acknowledged, schools: n.schools })),
  bar('accounted', n.accountedPercent, 100, t('directive.accounted'), n.accountedPercent.toFixed(1) + ' %'),
  h('div', { class: 'directive-facts' },
    h('span', { class: ['fact-missing', n.missing > 0 && 'nonzero'] }, t('directive.missing'), h('b', {}, String(n.missing))),
    h('span', { class: ['fact-silent', silent > 0 && 'nonzero'] }, t('directive.silent'), h('b', {}, String(silent))),
    n.escalated > 0 ? h('span', { class: 'fact-escalated nonzero' }, t('directive.escalated'), h('b', {}, String(n.escalated))) : null,
    guardians ? h('span', {
      class: 'fact-guardians', title: t('directive.guardiansTitle'),
      dataset: { guardianSchools: String(guardians.schools), guardianNotices: String(guardians.notices) },
    }, t('directive.guardians'), h('b', {}, t('directive.guardiansText', { n: guardians.notices, notices: guardians.notices, schools: guardians.schools }))) : null)),
  h('div', { class: 'directive-roll' },
  h('ol', { class: 'directive-schools' }, ...shown.map(s => h('li', {
    class: ['directive-school', s.acknowledged ? 'acked' : 'silent', s.escalated && 'escalated'],
    dataset: { schoolId: s.schoolId, acknowledged: String(Boolean(s.acknowledged)) },
  },
  h('span', { class: 'ds-state' }, s.acknowledged ? t('directive.ack') : t('directive.silentState')),
  h('span', { class: 'ds-name' }, s.name || s.schoolId),
  h('span', { class: 'ds-progress' }, s.acknowledged
    ? (Number(s.accountedPercent) || 0).toFixed(1) + ' %' + (s.missing ? t('directive.schoolMissing', { n: s.missing }) : '')
    : (s.escalated ? t('directive.schoolEscalated') : t('directive.noAnswer')))))),
  schools.length > shown.length ? h('div', { class: 'directive-more muted' }, t('directive.more', { n: schools.length - shown.length })) : null,
  d.schools === null || d.schools === undefined ? h('div', { class: 'directive-more muted' }, t('directive.loadingSchools')) : null));
}

/** Once a second, without re-rendering: the acknowledgement countdowns. */
export function tickDirectives(root, now = Date.now()) {
  for (const el of root.querySelectorAll('[data-ack-deadline]')) {
    const left = Date.parse(el.dataset.ackDeadline) - now;
    el.textContent = ackText(left);
    el.classList.toggle('overdue', left < 0);
  }
}
