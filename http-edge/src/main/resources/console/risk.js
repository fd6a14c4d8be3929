// Prevention on the wall (issue 15): the risk layer's colours, a school's five dimensions as an
// SVG chart with the factors behind them, its open hazards with their deadlines, and the early
// warnings. Pure rendering: app.js loads the data and decides when to draw.
//
// Data: GET /api/v1/risk?region=&top= (the read side's ranking: the map's colours),
// GET /api/v1/schools/{id}/risk (a school's score computed now, with its factors),
// GET /api/v1/schools/{id}/hazards and GET /api/v1/warnings?region=&state=ACTIVE.

import { h, svg } from './dom.js';
import { duration, humanize, shortTime, since } from './format.js';
import { label, t } from '../tips/i18n.js';

/** Most severe first, as the national early-warning scale orders them. */
export const RISK_LEVELS = ['RED', 'ORANGE', 'YELLOW', 'BLUE'];
export const DIMENSIONS = ['surroundings', 'health', 'traffic', 'history', 'execution'];
const dimensionName = d => label('dimension.', d, humanize);
/** docs/RISK.md: the same quarters for the overall score and every dimension. */
const THRESHOLDS = [25, 50, 75];

export function riskClass(level) {
  return RISK_LEVELS.includes(level) ? 'risk-' + level.toLowerCase() : 'risk-none';
}

export function riskRank(level) {
  const i = RISK_LEVELS.indexOf(level);
  return i < 0 ? RISK_LEVELS.length : i;
}

/** The level a score in one dimension would have on its own. */
export function levelOf(score) {
  return score >= THRESHOLDS[2] ? 'RED' : score >= THRESHOLDS[1] ? 'ORANGE' : score >= THRESHOLDS[0] ? 'YELLOW' : 'BLUE';
}

const one = v => (Number.isFinite(Number(v)) ? Number(v).toFixed(1) : '–');

/** Five horizontal bars, 0–100, with the level thresholds drawn across them. */
export function dimensionChart(dimensions) {
  const W = 460;
  const ROW = 34;
  const X0 = 128;
  const BAR = 270;
  const H = DIMENSIONS.length * ROW + 26;
  const x = v => X0 + (Math.max(0, Math.min(100, v)) / 100) * BAR;
  const rows = DIMENSIONS.map((d, i) => {
    const value = Number((dimensions || {})[d]) || 0;
    const y = 8 + i * ROW;
    return svg('g', { class: ['dim', riskClass(levelOf(value))], dataset: { dimension: d, value: one(value) } },
      svg('title', {}, t('risk.dimTitle', { name: dimensionName(d), value: one(value), level: label('risk.', levelOf(value)) })),
      svg('text', { x: X0 - 12, y: y + 17, class: 'dim-label' }, dimensionName(d)),
      svg('rect', { x: X0, y, width: BAR, height: 22, rx: 4, class: 'dim-track' }),
      svg('rect', { x: X0, y, width: Math.max(0, x(value) - X0).toFixed(1), height: 22, rx: 4, class: 'dim-bar' }),
      svg('text', { x: x(100) + 10, y: y + 17, class: 'dim-value' }, one(value)));
  });
  const ticks = THRESHOLDS.map(t => svg('g', { class: 'dim-threshold' },
    svg('line', { x1: x(t), x2: x(t), y1: 4, y2: H - 20 }),
    svg('text', { x: x(t), y: H - 6 }, String(t))));
  return svg('svg', {
    class: 'dimension-chart', viewBox: `0 0 ${W} ${H}`, role: 'img',
    'aria-label': t('risk.chartLabel', { list: DIMENSIONS.map(d => dimensionName(d) + ' ' + one((dimensions || {})[d])).join(', ') }),
  }, ...rows, ...ticks);
}

/** What moved the score, largest first: why a school is red. */
export function factorList(factors) {
  const list = [...(factors || [])].sort((a, b) => (Number(b.points) || 0) - (Number(a.points) || 0));
  if (!list.length) return h('p', { class: 'muted' }, t('risk.noFactors'));
  return h('ol', { class: 'factors' }, list.map(f => h('li', {
    class: ['factor', riskClass(levelOf(Number(f.points) || 0))],
    dataset: { dimension: f.dimension, code: f.code, points: one(f.points) },
  },
  h('span', { class: 'factor-points' }, '+' + one(f.points)),
  h('span', { class: 'factor-dimension' }, dimensionName(f.dimension)),
  h('span', { class: 'factor-detail' }, f.detail || humanize(f.code)))));
}

/** "due in 3 d 4 h" / "overdue 2 d 1 h", kept current by the console's clock. */
export function dueText(deadline, now) {
  const left = Date.parse(deadline) - now;
  if (Number.isNaN(left)) return '–';
  return left >= 0 ? t('due.in', { d: duration(left) }) : t('due.overdue', { d: duration(-left) });
}

/** Hazards still awaiting work or its acceptance: overdue first, then by deadline. */
export function openHazards(hazards) {
  const rank = { OVERDUE: 0, OPEN: 1, RECTIFIED: 2 };
  return (hazards || []).filter(x => x.status in rank)
    .sort((a, b) => rank[a.status] - rank[b.status] || (Date.parse(a.deadline) || 0) - (Date.parse(b.deadline) || 0));
}

export function hazardList(hazards, now) {
  const list = openHazards(hazards);
  if (!list.length) return h('p', { class: 'muted' }, t('hazards.none'));
  return h('ul', { class: 'hazards' }, list.map(x => {
    const late = x.status === 'OVERDUE' || (x.status === 'OPEN' && Date.parse(x.deadline) < now);
    return h('li', {
      class: ['hazard', 'hz-' + String(x.status).toLowerCase(), late && 'overdue', x.severity === 'MAJOR' && 'major'],
      dataset: { hazardId: x.hazardId, status: x.status, severity: x.severity },
    },
    h('span', { class: 'hazard-what' },
      x.severity === 'MAJOR' ? h('span', { class: 'major-badge' }, t('hazard.major')) : null,
      h('b', {}, label('hazardCategory.', x.category, humanize)), ' · ', x.location || ''),
    h('span', { class: 'hazard-status' }, label('hazardStatus.', x.status)),
    h('span', { class: 'hazard-description muted' }, x.description || ''),
    x.status === 'RECTIFIED'
      ? h('span', { class: 'hazard-due' }, t('hazard.rectified', { at: shortTime(x.rectifiedAt) }))
      : h('span', { class: ['hazard-due', late && 'overdue'], title: t('hazard.deadline', { at: shortTime(x.deadline) }), dataset: { due: x.deadline } },
        dueText(x.deadline, now)));
  }));
}

/** The school's panel: level, overall, the chart, the factors, hazards and warnings. */
export function schoolPanel({ schoolId, school, risk, hazards, warnings, failed, now, onClose }) {
  const close = h('button', { type: 'button', class: 'ghost close', title: t('detail.close'), onclick: onClose }, '×');
  const name = (school && school.name) || (risk && risk.schoolName) || schoolId;
  if (!risk) {
    return [h('div', { class: 'detail-head' }, h('h2', {}, name), close),
      h('p', { class: 'muted' }, failed ? t('risk.loadFailed') : t('loading'))];
  }
  const mine = (warnings || []).filter(w => w.schoolId === schoolId);
  const open = openHazards(hazards);
  return [
    h('div', { class: 'detail-head' },
      h('span', { class: 'level-badge risk-badge', id: 'school-risk-level', dataset: { level: risk.level } }, label('riskBadge.', risk.level)),
      h('div', { class: 'detail-title' },
        h('h2', {}, name),
        h('div', { class: 'detail-sub' },
          h('span', { class: 'overall', id: 'school-risk-overall' }, t('risk.overall', { value: one(risk.overall) })),
          school ? h('span', {}, school.regionCode) : null,
          h('span', { class: 'muted' }, t('risk.computed', { at: shortTime(risk.computedAt) })))),
      close),
    h('h3', {}, t('risk.dimensions')),
    dimensionChart(risk.dimensions),
    h('h3', {}, t('risk.factors')),
    factorList(risk.factors),
    h('h3', { class: 'hazards-head' }, t('hazards.title') + (hazards ? t('hazards.count', { n: open.length }) : '')),
    hazards ? hazardList(hazards, now) : h('p', { class: 'muted' }, t('hazards.unavailable')),
    mine.length ? h('h3', {}, t('warnings.active', { n: mine.length })) : null,
    mine.length ? h('ol', { class: 'warnings in-detail' }, mine.map(w => warningItem(w, now))) : null,
  ].filter(Boolean);
}

export function warningItem(w, now, onSelect) {
  return h('li', {
    class: ['warning', riskClass(w.level), 'ws-' + String(w.state).toLowerCase()],
    dataset: { warningId: w.warningId, cause: w.cause, schoolId: w.schoolId, state: w.state },
    tabindex: onSelect ? 0 : null,
    role: onSelect ? 'button' : null,
    onclick: onSelect ? () => onSelect(w.schoolId) : null,
    onkeydown: onSelect ? e => { if (e.key === 'Enter') onSelect(w.schoolId); } : null,
  },
  h('span', { class: 'warning-cause' }, label('cause.', w.cause, humanize)),
  h('span', { class: 'warning-school' }, w.schoolName || w.schoolId),
  h('span', { class: 'warning-state' }, label('warningState.', w.state)),
  h('span', { class: 'warning-summary' }, w.summary || ''),
  h('span', { class: 'warning-since muted', title: t('warnings.raisedTitle', { at: shortTime(w.raisedAt) }) },
    t('warnings.raised'), h('span', { dataset: { since: w.raisedAt } }, since(w.raisedAt, now)), t('warnings.ago')
      + (w.acknowledgedBy ? t('warnings.ackBy', { by: w.acknowledgedBy }) : '')));
}

/** The board's strip of active warnings, newest first. */
export function warningStrip(warnings, now, onSelect) {
  return warnings.map(w => warningItem(w, now, onSelect));
}
