// A small SVG chart renderer for the evaluation page: lines over months, paired bars, a scatter.
// Hand-written rather than a library: three chart shapes, no build step, nothing from the internet,
// and the CSP forbids inline styles (colours come from classes in evaluation.css).
import { svg } from './dom.js';

const W = 640;
const H = 260;
const PAD = { left: 56, right: 16, top: 16, bottom: 44 };

function frame(label) {
  return svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': label });
}

function axisY(root, max, format) {
  const ticks = 4;
  for (let i = 0; i <= ticks; i++) {
    const value = (max / ticks) * i;
    const y = PAD.top + (H - PAD.top - PAD.bottom) * (1 - i / ticks);
    root.append(svg('line', { class: 'grid', x1: PAD.left, x2: W - PAD.right, y1: y, y2: y }));
    root.append(svg('text', { class: 'tick', x: PAD.left - 6, y: y + 4, 'text-anchor': 'end' }, format(value)));
  }
}

function legend(root, series) {
  series.forEach((s, i) => {
    const x = PAD.left + i * 170;
    root.append(svg('rect', { class: `swatch s${i}`, x, y: H - 14, width: 12, height: 12 }));
    root.append(svg('text', { class: 'legend', x: x + 16, y: H - 4 }, s.label));
  });
}

/**
 * Lines over categories (months): {categories: ['2026-06', …], series: [{key, label, values: [0..1 or null]}]}.
 * A null value draws no point and breaks the line (nothing was due that month).
 */
export function lineChart({ label, categories, series, max = 1, format = v => Math.round(v * 100) + '%' }) {
  const root = frame(label);
  axisY(root, max, format);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = i => PAD.left + (categories.length === 1 ? innerW / 2 : (innerW * i) / (categories.length - 1));
  const y = v => PAD.top + innerH * (1 - v / max);
  categories.forEach((c, i) => root.append(svg('text', { class: 'tick', x: x(i), y: H - 26, 'text-anchor': 'middle' }, c)));
  series.forEach((s, si) => {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) { pen = false; return; }
      d += (pen ? 'L' : 'M') + x(i).toFixed(1) + ',' + y(v).toFixed(1) + ' ';
      pen = true;
    });
    d = d.trim();
    if (d) root.append(svg('path', { class: `line s${si}`, d, fill: 'none' }));
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) return;
      root.append(svg('circle', { class: `point s${si}`, cx: x(i), cy: y(v), r: 4, dataset: { series: s.key, category: categories[i], value: v } },
        svg('title', {}, `${s.label} ${categories[i]}: ${format(v)}`)));
    });
  });
  legend(root, series);
  return root;
}

/** Grouped bars: {groups: [{key, label, values: [number…]}], series: [{key, label}]}. */
export function barChart({ label, groups, series, format = v => String(v) }) {
  const root = frame(label);
  const max = Math.max(1, ...groups.flatMap(g => g.values));
  axisY(root, max, format);
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / Math.max(1, groups.length);
  const barW = Math.min(48, (slot * 0.7) / series.length);
  groups.forEach((g, gi) => {
    const start = PAD.left + slot * gi + (slot - barW * series.length) / 2;
    g.values.forEach((v, si) => {
      const h = (innerH * v) / max;
      root.append(svg('rect', { class: `bar s${si}`, x: start + si * barW, y: PAD.top + innerH - h, width: barW - 2, height: h,
        dataset: { group: g.key, series: series[si].key, value: v } }, svg('title', {}, `${g.label} ${series[si].label}: ${format(v)}`)));
    });
    root.append(svg('text', { class: 'tick', x: PAD.left + slot * gi + slot / 2, y: H - 26, 'text-anchor': 'middle' }, g.label));
  });
  legend(root, series);
  return root;
}

/** Points on two axes: {points: [{key, label, x, y}], xLabel, yLabel}. */
export function scatterChart({ label, points, xLabel, yLabel, yMax = 100, formatX = v => String(Math.round(v)) }) {
  const root = frame(label);
  axisY(root, yMax, v => String(Math.round(v)));
  const xMax = Math.max(1, ...points.map(p => p.x));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  for (let i = 0; i <= 4; i++) {
    root.append(svg('text', { class: 'tick', x: PAD.left + (innerW * i) / 4, y: H - 26, 'text-anchor': i === 4 ? 'end' : 'middle' },
      formatX((xMax * i) / 4)));
  }
  root.append(svg('text', { class: 'axis-label', x: W - PAD.right, y: H - 4, 'text-anchor': 'end' }, xLabel));
  root.append(svg('text', { class: 'axis-label', x: 4, y: 12 }, yLabel));
  points.forEach(p => {
    root.append(svg('circle', { class: 'point s0', cx: PAD.left + (innerW * p.x) / xMax, cy: PAD.top + innerH * (1 - Math.min(p.y, yMax) / yMax), r: 5,
      dataset: { school: p.key, x: p.x, y: p.y } }, svg('title', {}, `${p.label}: ${formatX(p.x)} · ${p.y}`)));
  });
  return root;
}
