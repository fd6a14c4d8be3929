// Times and labels, written to be read from across a room, in the console's language.

import { language, t } from '../tips/i18n.js';

const pad = n => String(n).padStart(2, '0');

/** 0:42, 12:05, 1 h 07 — for "time since" and countdowns. */
export function duration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h >= 24) return t('duration.days', { d: Math.floor(h / 24), h: h % 24 });
  if (h > 0) return t('duration.hours', { h, m: pad(m) });
  return m + ':' + pad(s);
}

export function clockTime(date) {
  return pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds());
}

export function shortTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '–';
  const today = new Date();
  const time = clockTime(d);
  return d.toDateString() === today.toDateString() ? time
    : d.toLocaleDateString(language(), { month: 'short', day: 'numeric' }) + ' ' + time;
}

export function since(iso, now = Date.now()) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '–' : duration(now - t);
}

export const LEVELS = ['I', 'II', 'III', 'IV', 'UNGRADED'];
export const OPEN_STATUSES = ['REPORTED', 'DISPATCHED', 'ACKNOWLEDGED'];

export function levelRank(level) {
  const i = LEVELS.indexOf(level);
  return i < 0 ? LEVELS.length : i;
}

export function levelClass(level) {
  return 'lvl-' + (LEVELS.includes(level) ? level.toLowerCase() : 'ungraded');
}

/** FIRE → Fire, MISSING_STUDENT → Missing student. */
export function humanize(code) {
  if (!code) return '';
  const s = String(code).toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A date and time in the console's language. */
export function localTime(date) {
  return date.toLocaleString(language());
}
