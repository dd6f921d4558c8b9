// Charts drawn as SVG by the page itself (no chart library): stacked bars, lines with 95 %
// intervals, a tornado.  Every label is set as text.  Hovering a mark shows its figures in a
// tooltip; marks carry data-* attributes naming what they show (the tests read them).
import { fmt, h } from "/static/util.js";

const NS = "http://www.w3.org/2000/svg";

//: Colours of series, in order (colour-blind safe: Okabe-Ito, then greys).
export const PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000", "#999999"];

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Round tick values covering [lo, hi], about n of them.
export function ticks(lo, hi, n = 5) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0];
  if (lo === hi) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function short(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return `${fmt(v / 1e6, a >= 1e7 ? 0 : 1)} M`;
  if (a >= 1e4) return `${fmt(v / 1e3, 0)} k`;
  return fmt(v, Number.isInteger(v) ? 0 : a >= 10 ? 0 : 2);
}

// A tooltip that follows the pointer over a chart's box.
function tooltip(box) {
  const tip = h("div", { class: "tooltip", hidden: true });
  box.append(tip);
  return {
    show(ev, lines) {
      tip.replaceChildren(...lines.map((l, i) => (i === 0 ? h("b", {}, l) : h("div", {}, l))));
      tip.hidden = false;
      const r = box.getBoundingClientRect();
      tip.style.left = `${Math.min(ev.clientX - r.left + 12, r.width - 180)}px`;
      tip.style.top = `${ev.clientY - r.top + 12}px`;
    },
    hide() { tip.hidden = true; },
  };
}

function frame(width, height, title) {
  const box = h("div", { class: "chart" });
  if (title) box.append(h("div", { class: "chart-title" }, title));
  const svg = s("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title || "chart" });
  box.append(svg);
  return { box, svg, tip: tooltip(box) };
}

function yAxis(svg, y, values, left, right, label) {
  for (const v of values) {
    svg.append(s("line", { x1: left, x2: right, y1: y(v), y2: y(v), stroke: "#e3e3e3" }));
    svg.append(s("text", { x: left - 4, y: y(v) + 3, "text-anchor": "end", class: "tick" }, short(v)));
  }
  if (label) svg.append(s("text", { x: 10, y: 12, class: "axis-label" }, label));
}

function legend(items) {
  return h("div", { class: "chart-legend" }, ...items.map((it) =>
    h("span", { class: "legend-item" }, h("span", { class: "swatch", style: `background:${it.color}` }), it.name)));
}

// Bars stacked by series over categories (periods).  series: [{name, color, values}].
export function stackedBars({ title, categories, series, yLabel, width = 450, height = 240 }) {
  const { box, svg, tip } = frame(width, height, title);
  const left = 46, right = width - 8, top = 18, bottom = height - 34;
  const totals = categories.map((_, i) => series.reduce((a, se) => a + (se.values[i] || 0), 0));
  const most = Math.max(1, ...totals);
  const tv = ticks(0, most);
  const top2 = Math.max(most, tv[tv.length - 1]);
  const y = (v) => bottom - (v / top2) * (bottom - top);
  yAxis(svg, y, tv, left, right, yLabel);
  const slot = (right - left) / Math.max(categories.length, 1);
  const bw = Math.max(1, slot * 0.8);
  const every = Math.max(1, Math.ceil(categories.length / 8));
  categories.forEach((c, i) => {
    let acc = 0;
    const x = left + i * slot + (slot - bw) / 2;
    for (const se of series) {
      const v = se.values[i] || 0;
      if (v <= 0) continue;
      svg.append(s("rect", {
        x, y: y(acc + v), width: bw, height: Math.max(0.5, y(acc) - y(acc + v)), fill: se.color,
        class: "bar", dataset: { category: c, series: se.name, value: v },
        onmousemove: (ev) => tip.show(ev, [c, `${se.name}: ${fmt(v, 0)}`, `all shown: ${fmt(totals[i], 0)}`]),
        onmouseleave: () => tip.hide(),
      }));
      acc += v;
    }
    if (i % every === 0) svg.append(s("text", { x: left + i * slot + slot / 2, y: bottom + 14, "text-anchor": "middle", class: "tick" }, c));
  });
  svg.append(s("line", { x1: left, x2: right, y1: bottom, y2: bottom, stroke: "#666" }));
  box.append(legend(series));
  return box;
}

// Lines over categories or numbers, each point with its 95 % interval as a whisker.
// series: [{name, color, mean: [], low: [], high: [], runs?: []}]; x: values (numbers or text).
export function intervalLines({ title, x, xLabel, series, yLabel, width = 450, height = 260 }) {
  const { box, svg, tip } = frame(width, height, title);
  const left = 52, right = width - 12, top = 18, bottom = height - 40;
  const numeric = x.every((v) => typeof v === "number");
  const xs = numeric ? x : x.map((_, i) => i);
  const lo = Math.min(...xs), hi = Math.max(...xs);
  const pad = lo === hi ? 1 : 0.06 * (hi - lo);
  const X = (v) => left + ((v - (lo - pad)) / (hi + pad - (lo - pad))) * (right - left);
  const all = series.flatMap((se) => [...se.mean, ...(se.low || []), ...(se.high || [])]).filter((v) => v !== null && Number.isFinite(v));
  const ymin = Math.min(0, ...all), ymax = Math.max(1, ...all);
  const tv = ticks(ymin, ymax);
  const y0 = Math.min(ymin, tv[0]), y1 = Math.max(ymax, tv[tv.length - 1]);
  const Y = (v) => bottom - ((v - y0) / (y1 - y0)) * (bottom - top);
  yAxis(svg, Y, tv, left, right, yLabel);
  const every = Math.max(1, Math.ceil(xs.length / 8));
  xs.forEach((v, i) => { if (i % every === 0) svg.append(s("text", { x: X(v), y: bottom + 14, "text-anchor": "middle", class: "tick" }, numeric ? short(v) : String(x[i]))); });
  if (xLabel) svg.append(s("text", { x: (left + right) / 2, y: height - 6, "text-anchor": "middle", class: "axis-label" }, xLabel));
  svg.append(s("line", { x1: left, x2: right, y1: bottom, y2: bottom, stroke: "#666" }));
  for (const se of series) {
    const pts = xs.map((v, i) => [X(v), se.mean[i]]).filter(([, m]) => m !== null && Number.isFinite(m));
    if (pts.length > 1) svg.append(s("polyline", { points: pts.map(([px, m]) => `${px},${Y(m)}`).join(" "), fill: "none", stroke: se.color, "stroke-width": 2 }));
    xs.forEach((v, i) => {
      const m = se.mean[i];
      if (m === null || !Number.isFinite(m)) return;
      const l = se.low ? se.low[i] : null, u = se.high ? se.high[i] : null;
      if (l !== null && u !== null && Number.isFinite(l) && Number.isFinite(u)) {
        svg.append(s("line", { x1: X(v), x2: X(v), y1: Y(l), y2: Y(u), stroke: se.color, "stroke-width": 1.5 }));
        for (const w of [l, u]) svg.append(s("line", { x1: X(v) - 4, x2: X(v) + 4, y1: Y(w), y2: Y(w), stroke: se.color }));
      }
      const iv = !se.low ? "" : l !== null && u !== null && Number.isFinite(l) ? `95 % interval ${fmt(l)} … ${fmt(u)}` : "no interval (fewer than 10 replications)";
      svg.append(s("circle", {
        cx: X(v), cy: Y(m), r: xs.length > 40 ? 2 : 4.5, fill: se.color, stroke: "#fff", class: "point",
        dataset: { x: String(x[i]), series: se.name, mean: m },
        onmousemove: (ev) => tip.show(ev, [`${xLabel || ""} ${x[i]}`.trim(), `${se.name}: ${fmt(m)}`, iv, se.runs ? `run ${se.runs[i]}` : ""].filter(Boolean)),
        onmouseleave: () => tip.hide(),
      }));
    });
  }
  if (series.length > 1) box.append(legend(series));
  return box;
}

// A tornado: one row per factor, bars from the base case to the metric's change at the
// factor's low and high values, each with its 95 % interval.
// rows: [{label, low, high, lowCi: [a, b], highCi: [a, b], lowText, highText}]
export function tornado({ title, rows, xLabel, width = 450 }) {
  const rowH = 26;
  const height = 40 + rows.length * rowH;
  const { box, svg, tip } = frame(width, height, title);
  const left = 170, right = width - 12, top = 8, bottom = height - 28;
  const vals = rows.flatMap((r) => [r.low, r.high, ...(r.lowCi || []), ...(r.highCi || [])]).filter((v) => v !== null && Number.isFinite(v));
  const m = Math.max(1e-9, ...vals.map(Math.abs));
  const tv = ticks(-m, m, 6);
  const x0 = Math.min(-m, tv[0]), x1 = Math.max(m, tv[tv.length - 1]);
  const X = (v) => left + ((v - x0) / (x1 - x0)) * (right - left);
  for (const v of tv) {
    svg.append(s("line", { x1: X(v), x2: X(v), y1: top, y2: bottom, stroke: v === 0 ? "#444" : "#e3e3e3" }));
    svg.append(s("text", { x: X(v), y: bottom + 14, "text-anchor": "middle", class: "tick" }, short(v)));
  }
  if (xLabel) svg.append(s("text", { x: (left + right) / 2, y: height - 2, "text-anchor": "middle", class: "axis-label" }, xLabel));
  rows.forEach((r, i) => {
    const yc = top + i * rowH + rowH / 2;
    svg.append(s("text", { x: left - 6, y: yc + 4, "text-anchor": "end", class: "tick" }, r.label.length > 30 ? `${r.label.slice(0, 29)}…` : r.label));
    for (const [which, v, ci, text, color] of [["low", r.low, r.lowCi, r.lowText, PALETTE[0]], ["high", r.high, r.highCi, r.highText, PALETTE[1]]]) {
      if (v === null || !Number.isFinite(v)) continue;
      const a = Math.min(X(0), X(v)), b = Math.max(X(0), X(v));
      const y = which === "low" ? yc - 9 : yc + 1;
      svg.append(s("rect", {
        x: a, y, width: Math.max(1, b - a), height: 8, fill: color, class: "bar", dataset: { factor: r.factor, level: which, delta: v },
        onmousemove: (ev) => tip.show(ev, [r.label, `${which}: ${text}`, `change ${fmt(v)}`,
          ci && Number.isFinite(ci[0]) ? `95 % interval ${fmt(ci[0])} … ${fmt(ci[1])}` : "no interval (fewer than 10 replications)"]),
        onmouseleave: () => tip.hide(),
      }));
      if (ci && ci[0] !== null && ci[1] !== null && Number.isFinite(ci[0]) && Number.isFinite(ci[1])) {
        svg.append(s("line", { x1: X(ci[0]), x2: X(ci[1]), y1: y + 4, y2: y + 4, stroke: "#333" }));
      }
    }
  });
  box.append(legend([{ name: "factor at its low value", color: PALETTE[0] }, { name: "factor at its high value", color: PALETTE[1] }]));
  return box;
}
