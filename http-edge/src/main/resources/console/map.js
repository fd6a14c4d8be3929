// The region's schools as dots on an SVG plot of latitude/longitude: no tiles, no network.
// Equirectangular projection into the schools' bounding box (longitude shrunk by cos(latitude)).

import { svg } from './dom.js';
import { levelClass, levelRank } from './format.js';
import { riskClass, riskRank } from './risk.js';
import { label, t } from '../tips/i18n.js';

const W = 640;
const H = 340;
const PAD = 28;

function niceStep(span) {
  const steps = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];
  return steps.find(s => span / s <= 6) || 20;
}

function fmtDeg(v, step) {
  const decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
  return v.toFixed(decimals) + '°';
}

/**
 * @param container element to draw into
 * @param schools   [{schoolId, name, regionCode, location:{lat, lon}}]
 * @param hot       Map schoolId → {level, count, drill, incidentId}
 * @param selectedSchoolId school of the incident in the detail panel, or null
 * @param onSelect  called with an incidentId when a highlighted school is clicked
 * @param risk      the risk layer, or null when it is off: {levels: Map schoolId → {level, overall},
 *                  selectedSchoolId, onSelectSchool}. Every school is then coloured by its level
 *                  (grey until it has a score) and a click opens the school rather than an incident.
 */
export function drawMap(container, schools, hot, selectedSchoolId, onSelect, risk = null) {
  const located = schools.filter(s => s.location && Number.isFinite(s.location.lat) && Number.isFinite(s.location.lon));
  if (located.length === 0) {
    container.replaceChildren();
    return 0;
  }
  let minLat = Math.min(...located.map(s => s.location.lat));
  let maxLat = Math.max(...located.map(s => s.location.lat));
  let minLon = Math.min(...located.map(s => s.location.lon));
  let maxLon = Math.max(...located.map(s => s.location.lon));
  // A single school or a tight cluster still gets a sensible frame (about 2 km).
  const minSpan = 0.02;
  if (maxLat - minLat < minSpan) { const c = (maxLat + minLat) / 2; minLat = c - minSpan / 2; maxLat = c + minSpan / 2; }
  if (maxLon - minLon < minSpan) { const c = (maxLon + minLon) / 2; minLon = c - minSpan / 2; maxLon = c + minSpan / 2; }
  const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const spanX = (maxLon - minLon) * k;
  const spanY = maxLat - minLat;
  const scale = Math.min((W - 2 * PAD) / spanX, (H - 2 * PAD) / spanY);
  const offX = (W - spanX * scale) / 2;
  const offY = (H - spanY * scale) / 2;
  const x = lon => offX + (lon - minLon) * k * scale;
  const y = lat => H - offY - (lat - minLat) * scale;

  const grid = svg('g', { class: 'graticule' });
  // Lines over the whole visible frame, not only the schools' box.
  const lonLo = minLon - offX / (k * scale), lonHi = minLon + (W - offX) / (k * scale);
  const latLo = minLat - offY / scale, latHi = minLat + (H - offY) / scale;
  const lonStep = niceStep(lonHi - lonLo);
  const latStep = niceStep(latHi - latLo);
  for (let lon = Math.ceil(lonLo / lonStep) * lonStep; lon <= lonHi; lon += lonStep) {
    grid.append(svg('line', { x1: x(lon), x2: x(lon), y1: 0, y2: H }),
      svg('text', { x: x(lon) + 4, y: H - 6, class: 'graticule-label' }, fmtDeg(lon, lonStep) + 'E'));
  }
  for (let lat = Math.ceil(latLo / latStep) * latStep; lat <= latHi; lat += latStep) {
    grid.append(svg('line', { x1: 0, x2: W, y1: y(lat), y2: y(lat) }),
      svg('text', { x: 6, y: y(lat) - 4, class: 'graticule-label' }, fmtDeg(lat, latStep) + 'N'));
  }

  const quiet = svg('g', { class: 'schools' });
  const loud = svg('g', { class: 'schools-hot' });
  const labels = svg('g', { class: 'labels' });
  const hotOnes = [];
  for (const s of located) {
    const cx = x(s.location.lon).toFixed(1);
    const cy = y(s.location.lat).toFixed(1);
    const h = hot.get(s.schoolId);
    if (!h && risk) {
      const r = risk.levels.get(s.schoolId);
      const level = r ? r.level : null;
      const pick = () => risk.onSelectSchool(s.schoolId);
      quiet.append(svg('circle', {
        cx, cy, r: 7, class: ['school', 'risk', riskClass(level), s.schoolId === risk.selectedSchoolId && 'selected'],
        dataset: { schoolId: s.schoolId, riskLevel: level || 'NONE' }, tabindex: 0, role: 'button',
        onclick: pick, onkeydown: e => { if (e.key === 'Enter') pick(); },
      }, svg('title', {}, s.name + ' (' + s.regionCode + ') — ' + (r ? t('map.risk', { level: label('risk.', level), overall: Number(r.overall).toFixed(1) }) : t('map.noRisk')))));
    } else if (!h) {
      quiet.append(svg('circle', { cx, cy, r: 5, class: 'school', dataset: { schoolId: s.schoolId } },
        svg('title', {}, s.name + ' (' + s.regionCode + ')')));
    } else {
      hotOnes.push({ s, h, cx, cy });
    }
  }
  hotOnes.sort((a, b) => levelRank(b.h.level) - levelRank(a.h.level));
  for (const { s, h, cx, cy } of hotOnes) {
    const selected = s.schoolId === selectedSchoolId;
    const r = risk ? risk.levels.get(s.schoolId) : null;
    const pick = risk ? () => risk.onSelectSchool(s.schoolId) : () => onSelect(h.incidentId);
    const g = svg('g', {
      class: ['school-hot', levelClass(h.level), h.drill && 'drill', selected && 'selected', risk && riskClass(r && r.level)],
      dataset: { schoolId: s.schoolId, riskLevel: risk ? (r ? r.level : 'NONE') : null },
      tabindex: 0,
      role: 'button',
      onclick: pick,
      onkeydown: e => { if (e.key === 'Enter') pick(); },
    },
    // With the risk layer on, a school with an open incident keeps its incident's colour inside
    // and wears its risk level as a ring.
    risk ? svg('circle', { cx, cy, r: 13, class: 'risk-ring' }) : null,
    svg('title', {}, s.name + ' — ' + t('map.openIncidents', { n: h.count }) + ', ' + label('level.', h.level)),
    svg('circle', { cx, cy, r: 16, class: 'pulse' }),
    svg('circle', { cx, cy, r: 9, class: 'dot' }),
    selected ? svg('circle', { cx, cy, r: 14, class: 'ring' }) : null);
    loud.append(g);
  }
  // Names next to the highlighted schools, most severe first; a name that would cover another
  // is tried above/below, else left out (the dot's tooltip still has it).
  const named = [...hotOnes];
  if (risk) {
    const risky = located.filter(s => !hot.has(s.schoolId) && riskRank((risk.levels.get(s.schoolId) || {}).level) <= 1)
      .sort((a, b) => riskRank(risk.levels.get(b.schoolId).level) - riskRank(risk.levels.get(a.schoolId).level))
      .map(s => ({ s, cx: x(s.location.lon).toFixed(1), cy: y(s.location.lat).toFixed(1) }));
    named.unshift(...risky);
  }
  const taken = [];
  for (const { cx, cy } of named) taken.push({ x: Number(cx) - 10, y: Number(cy) - 10, w: 20, h: 20 });
  const overlaps = b => taken.some(t => b.x < t.x + t.w && t.x < b.x + b.w && b.y < t.y + t.h && t.y < b.y + b.h);
  for (const { s, cx, cy } of [...named].reverse()) {
    const px = Number(cx), py = Number(cy);
    const w = Math.min(s.name.length, 34) * 8.6 + 4;
    const name = s.name.length > 34 ? s.name.slice(0, 33) + '…' : s.name;
    const candidates = [];
    for (const dy of [0, -20, 20, -40, 40]) {
      candidates.push({ x: px + 15, y: py + dy - 10, w, h: 19, anchor: 'start', tx: px + 15, ty: py + dy + 5 });
      candidates.push({ x: px - 15 - w, y: py + dy - 10, w, h: 19, anchor: 'end', tx: px - 15, ty: py + dy + 5 });
    }
    const fits = b => b.x >= 2 && b.x + b.w <= W - 2 && b.y >= 2 && b.y + b.h <= H - 2;
    const spot = candidates.find(b => fits(b) && !overlaps(b));
    if (!spot) continue;
    taken.push(spot);
    labels.append(svg('text', { x: spot.tx, y: spot.ty, class: ['label', spot.anchor === 'end' && 'right-anchored'] }, name));
  }
  container.replaceChildren(svg('svg', {
    viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'xMidYMid meet', role: 'img',
    'aria-label': t('map.label', { n: located.length, hot: hotOnes.length }) + (risk ? t('map.byRisk') : ''),
  }, svg('rect', { x: 0, y: 0, width: W, height: H, class: 'map-bg' }), grid, quiet, loud, labels));
  return located.length;
}
