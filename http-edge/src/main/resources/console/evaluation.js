// The monthly evaluation page of a region (issue 18): GET /api/v1/evaluations for this month and
// the five before (tables, findings, timeliness trend, acknowledgement times), /investments and
// /risk (spending against risk by school), /cost-benefit (the last six months). Everything is
// fetched with the console's token (sessionStorage, auth.js) and drawn here; CSV downloads of the
// evaluation's tables come from the hub (format=csv), the page's own tables are written here.
import { createApi, ApiError } from './api.js';
import { takeTokenFromFragment, storedToken, decodeClaims, homeRegion } from './auth.js';
import { h, $ } from './dom.js';
import { lineChart, barChart, scatterChart } from './charts.js';
import { LANG_KEY, pickLanguage, translator } from './evaluation-i18n.js';

const REGION = /^\d{2}(\d{2}){0,2}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const ZONE = 'Asia/Shanghai'; // hub.zone's default; the answer's own zone is shown

let lang = pickLanguage();
let t = translator(lang);
const api = createApi(() => storedToken());
const page = { region: '', month: '', data: null };

function currentMonth() {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit' }).formatToParts(new Date());
  return parts.find(p => p.type === 'year').value + '-' + parts.find(p => p.type === 'month').value;
}

function addMonths(month, n) {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.getUTCFullYear() + '-' + String(d.getUTCMonth() + 1).padStart(2, '0');
}

function applyStrings() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  $('#language').title = lang === 'en' ? '中文' : 'English';
  for (const b of document.querySelectorAll('button.csv')) b.title = t('csvTitle');
}

function start() {
  takeTokenFromFragment();
  applyStrings();
  const query = new URLSearchParams(window.location.search);
  let home = '';
  if (storedToken()) {
    try { home = homeRegion(decodeClaims(storedToken())); } catch (e) { /* the hub judges the token */ }
  }
  const region = query.get('region') || home;
  const month = query.get('month') || currentMonth();
  $('#region').value = region;
  $('#month').value = MONTH.test(month) ? month : currentMonth();
  $('#choose').addEventListener('submit', e => { e.preventDefault(); go($('#region').value.trim(), $('#month').value); });
  $('#previous').addEventListener('click', () => go(page.region, addMonths(page.month, -1)));
  $('#next').addEventListener('click', () => go(page.region, addMonths(page.month, 1)));
  $('#print').addEventListener('click', () => window.print());
  $('#language').addEventListener('click', () => {
    lang = lang === 'en' ? 'zh-CN' : 'en';
    t = translator(lang);
    try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* not remembered */ }
    const q = new URLSearchParams(window.location.search);
    q.set('lang', lang);
    window.history.replaceState(null, '', window.location.pathname + '?' + q.toString());
    applyStrings();
    if (page.data) render(page.data);
  });
  for (const button of document.querySelectorAll('button.csv')) {
    button.addEventListener('click', () => downloadCsv(button.dataset.csv).catch(e => problem(t('partFailed', { part: 'CSV', detail: e.message }))));
  }
  if (!storedToken()) {
    $('#status').textContent = t('signIn');
    document.body.dataset.ready = 'true';
    return;
  }
  go(region, $('#month').value);
}

function go(region, month) {
  if (!REGION.test(region || '') || !MONTH.test(month || '')) {
    $('#status').textContent = t('failed', { detail: 'region 65, 6501 or 650102; month YYYY-MM' });
    return;
  }
  const q = new URLSearchParams(window.location.search);
  q.set('region', region);
  q.set('month', month);
  window.history.replaceState(null, '', window.location.pathname + '?' + q.toString());
  $('#region').value = region;
  $('#month').value = month;
  $('#back').href = './?region=' + encodeURIComponent(region);
  page.region = region;
  page.month = month;
  load(region, month);
}

let generation = 0;

async function load(region, month) {
  const mine = ++generation;
  document.body.dataset.ready = 'false';
  $('#status').textContent = t('loading');
  $('#problems').replaceChildren();
  const r = encodeURIComponent(region);
  const months = [5, 4, 3, 2, 1, 0].map(n => addMonths(month, -n));
  const now = currentMonth();
  const cbTo = month > now ? now : month;
  const cbFrom = addMonths(cbTo, -5);
  const soft = (part, promise) => promise.catch(e => {
    if (e instanceof ApiError && e.authentication) throw e;
    return { failed: part + ': ' + e.message };
  });
  try {
    const evaluation = await api.get(`/api/v1/evaluations?region=${r}&month=${month}`);
    const [history, investments, risk, costBenefit] = await Promise.all([
      Promise.all(months.slice(0, 5).map(m => soft(m, api.get(`/api/v1/evaluations?region=${r}&month=${m}`)))),
      soft('/investments', api.get(`/api/v1/investments?region=${r}&year=${month.slice(0, 4)}`)),
      soft('/risk', api.get(`/api/v1/risk?region=${r}&top=1000`)),
      soft('/cost-benefit', api.get(`/api/v1/cost-benefit?region=${r}&from=${cbFrom}&to=${cbTo}`)),
    ]);
    if (mine !== generation) return;
    page.data = { region, month, months, evaluation, history: [...history, evaluation], investments, risk, costBenefit, cbFrom, cbTo };
    render(page.data);
    $('#status').textContent = '';
  } catch (e) {
    if (mine !== generation) return;
    $('#report').hidden = true;
    $('#status').textContent = e instanceof ApiError && e.authentication ? t('signIn') : t('failed', { detail: e.message });
  }
  document.body.dataset.ready = 'true';
}

function problem(text) {
  $('#problems').append(h('li', {}, text));
}

// --- rendering --------------------------------------------------------------------------------

const num = v => (v === null || v === undefined ? t('none') : String(v));
const share = (part, whole) => (whole ? Math.round((100 * part) / whole) + '%' : t('none'));
const signed = v => (v === null || v === undefined ? t('none') : v > 0 ? '+' + v : String(v));

function duration(seconds) {
  if (seconds < 120) return t('seconds', { n: seconds });
  if (seconds < 7200) return t('minutes', { n: Math.round(seconds / 60) });
  return t('hours', { n: (seconds / 3600).toFixed(1) });
}

/** The counters' columns, shared by the school and region tables; `field` is the JSON field shown. */
function counterColumns() {
  return [
    { label: t('colIncidents'), field: 'incidents' },
    { label: t('colInitial'), field: 'initialReports' },
    { label: t('colInitialLate'), field: 'initialReportsLate', late: true },
    { label: t('colOnTimeShare'), value: row => share(row.initialReportsOnTime, row.initialReports) },
    { label: t('colContinuation'), field: 'continuationReportsDue' },
    { label: t('colContinuationLate'), field: 'continuationReportsLate', late: true },
    { label: t('colFinal'), field: 'finalReportsDue' },
    { label: t('colFinalLate'), field: 'finalReportsLate', late: true },
    { label: t('colDispatches'), field: 'dispatches' },
    { label: t('colEscalations'), field: 'escalations', late: true },
    { label: t('colUnanswered'), field: 'unanswered', late: true },
    { label: t('colDrillsDone'), field: 'drillsDone' },
    { label: t('colDrillsRequired'), field: 'drillsRequired' },
    { label: t('colHazardsDue'), field: 'hazardsDue' },
    { label: t('colHazardsOnTime'), field: 'hazardsRectifiedOnTime' },
    { label: t('colTipsReceived'), field: 'tipsReceived' },
    { label: t('colTipsInTime'), field: 'tipsAnsweredInTime' },
    { label: t('colTipsLate'), field: 'tipsLate', late: true },
    { label: t('colChange'), field: 'change.initialReportsLate', value: row => signed(row.change?.initialReportsLate) },
  ];
}

function pick(row, field) {
  return field.split('.').reduce((v, k) => (v === null || v === undefined ? v : v[k]), row);
}

/** A table of rows: each cell with data-field (the JSON field) so that tests and readers can check it. */
function table(el, columns, rows, key) {
  el.replaceChildren(
    h('thead', {}, h('tr', {}, columns.map(c => h('th', { class: c.text ? 'text' : null, scope: 'col' }, c.label)))),
    h('tbody', {}, rows.map(row => h('tr', { dataset: { key: key(row) } }, columns.map(c => {
      const raw = c.field ? pick(row, c.field) : undefined;
      const shown = c.value ? c.value(row) : c.link ? c.link(row) : num(raw);
      return h('td', { class: [c.text && 'text', c.late && raw > 0 && 'late'], dataset: { field: c.field } }, shown);
    })))));
}

function render(data) {
  const { evaluation: ev, region, month } = data;
  document.title = t('pageTitle', { region, month });
  $('#title').textContent = t('title') + ' · ' + region + ' · ' + month;
  $('#subtitle').textContent = t('subtitle', { region, month, zone: ev.zone, now: new Date().toLocaleString(lang) });
  $('#report').hidden = false;
  $('#problems').replaceChildren();
  for (const part of [...data.history, data.investments, data.risk, data.costBenefit]) {
    if (part && part.failed) problem(part.failed);
  }
  const top = ev.rollups.find(r => r.regionCode === region) || ev.rollups[0];
  renderSummary(top);
  renderFindings(ev.findings, region);
  table($('#rollups'), [
    { label: t('colRegion'), field: 'regionCode', text: true },
    { label: t('colLevel'), text: true, value: r => t(r.level) },
    { label: t('colSchools'), field: 'schools' },
    ...counterColumns()], ev.rollups, r => r.regionCode);
  if (ev.schools.length) {
    table($('#schools'), [
      { label: t('colSchool'), field: 'schoolId', text: true, link: s => h('a', { href: consoleLink(region, { school: s.schoolId }) }, s.name ? s.name + ' (' + s.schoolId + ')' : s.schoolId) },
      { label: t('colRegion'), field: 'regionCode', text: true },
      ...counterColumns()], ev.schools, s => s.schoolId);
  } else {
    $('#schools').replaceChildren(h('caption', {}, t('noSchools')));
  }
  renderAcks(top);
  renderTrend(data);
  renderSpending(data);
  renderCostBenefit(data);
}

function renderSummary(top) {
  const figures = top ? [
    [top.incidents, t('colIncidents')],
    [share(top.initialReportsOnTime, top.initialReports), t('colInitial') + ' · ' + t('colOnTimeShare')],
    [num(top.initialReportsLate), t('colInitial') + ' · ' + t('colInitialLate')],
    [num(top.escalations), t('colEscalations')],
    [num(top.drillsDone) + ' / ' + num(top.drillsRequired), t('colDrillsDone') + ' / ' + t('colDrillsRequired')],
    [num(top.tipsAnsweredInTime) + ' / ' + num(top.tipsReceived), t('colTipsInTime') + ' / ' + t('colTipsReceived')],
  ] : [];
  $('#summary').replaceChildren(...figures.map(([v, label]) => h('div', { class: 'figure' }, h('b', {}, String(v)), h('span', {}, label))));
}

function consoleLink(region, params) {
  const q = new URLSearchParams({ region, ...params });
  return './?' + q.toString();
}

function renderFindings(findings, region) {
  if (!findings.length) {
    $('#findings').replaceChildren(h('li', { class: 'none' }, t('noFindings')));
    return;
  }
  $('#findings').replaceChildren(...findings.map(f => h('li', { dataset: { rule: f.rule } },
    h('span', { class: 'rule' }, t('rule.' + f.rule)),
    h('span', { class: 'text' }, f.text),
    (f.incidentIds.length || f.schoolIds.length || f.hazardIds.length || (f.tipIds || []).length)
      ? h('span', { class: 'records' }, t('records') + ' ',
        f.incidentIds.map(id => h('a', { href: consoleLink(region, { mode: 'ACTUAL', incident: id }), dataset: { incident: id } }, id)),
        f.schoolIds.map(id => h('a', { href: consoleLink(region, { school: id }), dataset: { school: id } }, id)),
        // Hazards and tips open from their school's panel in the console; their ids are listed here.
        f.hazardIds.map(id => h('span', { class: 'record', dataset: { hazard: id } }, id)),
        (f.tipIds || []).map(id => h('span', { class: 'record', dataset: { tip: id } }, id)))
      : null)));
}

function ackRows(top) {
  return Object.entries((top && top.acknowledgements) || {}).map(([kind, a]) => ({ kind, ...a }));
}

function renderAcks(top) {
  const rows = ackRows(top);
  table($('#acks'), [
    { label: t('colKind'), field: 'kind', text: true, value: r => t('kind.' + r.kind) + ' (' + r.kind + ')' },
    { label: t('colCount'), field: 'count' },
    { label: t('colP50'), field: 'p50Seconds', value: r => duration(r.p50Seconds) },
    { label: t('colP95'), field: 'p95Seconds', value: r => duration(r.p95Seconds) }], rows, r => r.kind);
  $('#ack-chart').replaceChildren(rows.length ? barChart({
    label: t('acks'),
    groups: rows.map(r => ({ key: r.kind, label: t('kind.' + r.kind), values: [r.p50Seconds, r.p95Seconds] })),
    series: [{ key: 'p50', label: 'p50' }, { key: 'p95', label: 'p95' }],
    format: duration,
  }) : h('p', { class: 'note' }, t('noAcks')));
}

function trendRows(data) {
  return data.months.map((m, i) => {
    const ev = data.history[i];
    const top = ev && !ev.failed ? (ev.rollups.find(r => r.regionCode === data.region) || ev.rollups[0]) : null;
    const ratio = (onTime, due) => (top && top[due] ? top[onTime] / top[due] : null);
    return {
      month: m,
      initial: ratio('initialReportsOnTime', 'initialReports'),
      continuation: ratio('continuationReportsOnTime', 'continuationReportsDue'),
      final: ratio('finalReportsOnTime', 'finalReportsDue'),
    };
  });
}

function renderTrend(data) {
  const rows = trendRows(data);
  const pct = v => (v === null ? t('none') : Math.round(v * 100) + '%');
  table($('#trend'), [
    { label: t('colMonth'), field: 'month', text: true },
    { label: t('colInitialShare'), field: 'initial', value: r => pct(r.initial) },
    { label: t('colContinuationShare'), field: 'continuation', value: r => pct(r.continuation) },
    { label: t('colFinalShare'), field: 'final', value: r => pct(r.final) }], rows, r => r.month);
  $('#trend-chart').replaceChildren(lineChart({
    label: t('trend'),
    categories: rows.map(r => r.month),
    series: ['initial', 'continuation', 'final'].map(key => ({
      key, label: t('series' + key[0].toUpperCase() + key.slice(1)), values: rows.map(r => r[key]) })),
  }));
}

function spendingRows(data) {
  const bySchool = new Map();
  const spent = data.investments && !data.investments.failed ? data.investments.schools : [];
  const scored = data.risk && !data.risk.failed ? data.risk.schools : [];
  for (const s of scored) bySchool.set(s.schoolId, { schoolId: s.schoolId, name: s.schoolName, spentCny: 0, overall: s.overall, level: s.level });
  for (const s of spent) {
    const row = bySchool.get(s.schoolId) || { schoolId: s.schoolId, name: null, overall: null, level: null };
    row.spentCny = Number(s.totalCny);
    bySchool.set(s.schoolId, row);
  }
  return [...bySchool.values()].sort((a, b) => b.spentCny - a.spentCny || a.schoolId.localeCompare(b.schoolId));
}

function renderSpending(data) {
  const year = data.month.slice(0, 4);
  $('#spending-caption').textContent = t('spending', { year });
  $('#spending-title').textContent = t('spending', { year });
  const rows = spendingRows(data);
  table($('#spending'), [
    { label: t('colSchool'), field: 'schoolId', text: true, value: r => (r.name ? r.name + ' (' + r.schoolId + ')' : r.schoolId) },
    { label: t('colSpent'), field: 'spentCny', value: r => r.spentCny.toFixed(2) },
    { label: t('colRisk'), field: 'overall' },
    { label: t('colRiskLevel'), field: 'level', text: true }], rows, r => r.schoolId);
  const points = rows.filter(r => r.overall !== null && r.overall !== undefined)
    .map(r => ({ key: r.schoolId, label: r.name || r.schoolId, x: r.spentCny, y: r.overall }));
  $('#spending-chart').replaceChildren(points.length ? scatterChart({
    label: t('spending', { year }), points, xLabel: t('colSpent'), yLabel: t('colRisk'),
  }) : h('p', { class: 'note' }, t('noSpending')));
}

function costBenefitRows(data) {
  const cb = data.costBenefit;
  if (!cb || cb.failed) return [];
  const round = v => (v === null || v === undefined ? null : Math.round(v * 100) / 100);
  return [
    { key: 'spending', label: t('cbSpending'), value: cb.spending ? Number(cb.spending.totalCny).toFixed(2) : null },
    { key: 'riskAtStart', label: t('cbRiskStart'), value: round(cb.risk?.atStart?.overall) },
    { key: 'riskAtEnd', label: t('cbRiskEnd'), value: round(cb.risk?.atEnd?.overall) },
    { key: 'incidentsBefore', label: t('cbIncidentsBefore'), value: cb.incidents?.per1000StudentsInWindowBefore },
    { key: 'incidents', label: t('cbIncidentsAfter'), value: cb.incidents?.per1000StudentsInWindow },
    { key: 'casualtiesBefore', label: t('cbCasualtiesBefore'), value: cb.incidents?.casualtiesPer1000StudentsInWindowBefore },
    { key: 'casualties', label: t('cbCasualtiesAfter'), value: cb.incidents?.casualtiesPer1000StudentsInWindow },
  ];
}

function renderCostBenefit(data) {
  $('#cost-benefit-title').textContent = t('costBenefit', { from: data.cbFrom, to: data.cbTo });
  table($('#cost-benefit'), [
    { label: '', field: 'label', text: true },
    { label: '', field: 'value' }], costBenefitRows(data), r => r.key);
}

// --- CSV ------------------------------------------------------------------------------------

/** The hub's CSV of one of the evaluation's tables, or the page's own table written here. */
async function downloadCsv(which) {
  const { region, month } = page;
  if (['schools', 'rollups', 'findings'].includes(which)) {
    const response = await fetch(`/api/v1/evaluations?region=${encodeURIComponent(region)}&month=${month}&format=csv&table=${which}`, {
      headers: { Authorization: 'Bearer ' + storedToken(), Accept: 'text/csv' }, cache: 'no-store', credentials: 'omit' });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    save(await response.blob(), `evaluation-${region}-${month}-${which}.csv`);
    return;
  }
  const rows = {
    acks: () => ackRows(page.data.evaluation.rollups.find(r => r.regionCode === region)),
    trend: () => trendRows(page.data),
    spending: () => spendingRows(page.data),
    'cost-benefit': () => costBenefitRows(page.data).map(({ key, value }) => ({ figure: key, value })),
  }[which]();
  save(new Blob([csv(rows)], { type: 'text/csv;charset=utf-8' }), `evaluation-${region}-${month}-${which}.csv`);
}

/** RFC 4180, as the hub writes it: a header row, quoted cells where needed, CRLF, a BOM for spreadsheets. */
export function csv(rows) {
  const columns = [...new Set(rows.flatMap(r => Object.keys(r)))];
  const cell = v => {
    let s = v === null || v === undefined ? '' : String(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  return '\uFEFF' + [columns.map(cell).join(','), ...rows.map(r => columns.map(c => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

start();
