// The region's tips queue (issue 17): open anonymous tips with their response deadlines, most
// urgent first, so that the command center sees that schools answer tips in time. Metadata only:
// the hub never sends a tip's text to the console (GET /api/v1/tips?region=&state=open).
// Pure rendering: app.js loads the data and decides when to draw; its clock ticks the countdowns
// ([data-due], dueText).

import { h } from './dom.js';
import { humanize, shortTime } from './format.js';
import { dueText } from './risk.js';
import { label, t } from '../tips/i18n.js';

const PRIORITIES = ['URGENT', 'HIGH', 'MEDIUM', 'LOW'];

/** Whether a tip is past its response deadline: marked by the hub, or by the clock since. */
export function isOverdue(tip, now) {
  return Boolean(tip.overdue) || (tip.status === 'NEW' && Date.parse(tip.deadline) < now);
}

/** Overdue first, then the nearest deadline, then the higher priority. */
export function byUrgency(tips, now) {
  const rank = p => { const i = PRIORITIES.indexOf(p); return i < 0 ? PRIORITIES.length : i; };
  const due = t => { const d = Date.parse(t.deadline); return Number.isNaN(d) ? Infinity : d; };
  return [...(tips || [])].sort((a, b) => Number(isOverdue(b, now)) - Number(isOverdue(a, now))
    || due(a) - due(b) || rank(a.priority) - rank(b.priority));
}

export function tipItem(tip, now) {
  const late = isOverdue(tip, now);
  // Once someone took the tip on, its deadline is met: no countdown, just when it was due.
  const waiting = tip.status === 'NEW';
  return h('li', {
    class: ['tip', 'prio-' + String(tip.priority).toLowerCase(), late && 'overdue'],
    dataset: { tipId: tip.tipId, priority: tip.priority, status: tip.status, category: tip.category, schoolId: tip.schoolId },
  },
  h('span', { class: 'tip-priority' }, label('priority.', tip.priority)),
  h('span', { class: 'tip-category' }, label('tipCategory.', tip.category, humanize)),
  h('span', { class: 'tip-school' }, tip.schoolName || tip.schoolId),
  h('span', { class: 'tip-status' }, label('tipStatus.', tip.status, humanize)),
  waiting
    ? h('span', { class: ['tip-due', late && 'overdue'], title: t('tips.respondBy', { at: shortTime(tip.deadline) }),
      dataset: { due: tip.deadline } }, dueText(tip.deadline, now))
    : h('span', { class: 'tip-due muted', title: t('tips.wasDue', { at: shortTime(tip.deadline) }) }, t('tips.takenOn')),
  late ? h('span', { class: 'overdue-badge' }, t('tips.overdue')) : null);
}

export function tipsQueue(tips, now) {
  return byUrgency(tips, now).map(tip => tipItem(tip, now));
}
