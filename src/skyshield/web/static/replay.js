// Replay of one stored replication's night: the night is fetched once as columnar arrays
// (/api/runs/RUN/replications/REP/night) and animated here, with no request per frame.
// Threats and fighters are drawn on a canvas laid over the map; the run's own fixed layers
// (zones, assets, ground-defence rings, bases, CAP stations, AEW orbits, tanker tracks) are
// map layers.  Positions are interpolated linearly between the samples the server sent.
import { $, api, clock, fmt, h } from "/static/util.js";

//: Colours and words of the fates (the engine's fixed list).
export const FATES = {
  killed_fighter: { color: "#0072b2", text: "killed by a fighter" },
  killed_ground: { color: "#009e73", text: "killed by ground defences" },
  lost_ew: { color: "#8c8c8c", text: "lost to electronic warfare" },
  hit_asset: { color: "#d00000", text: "hit a protected asset" },
  hit_elsewhere: { color: "#e69f00", text: "hit elsewhere in the zone" },
  outside_protected_area: { color: "#cc79a7", text: "came down outside the protected area" },
};

const SPEEDS = [[60, "1 min/s"], [300, "5 min/s"], [900, "15 min/s"], [1800, "30 min/s"], [3600, "1 h/s"]];

//: Slider step (s of the night) and how long a shot stays drawn (s of the night).
const STEP_S = 60;
const SHOT_SHOWN_S = 240;

//: Frame times kept (ms), for the figure shown in the bar.
const FRAMES_KEPT = 240;

let ctx = null;
let night = null;
let canvas = null;
let g = null;
let active = false;
let playing = false;
let t = 0;
let speed = 900;
let defence = "shield";
let selected = null;
let projector = null;
let lastTick = null;
let runs = [];
const frameTimes = [];

// ---------------------------------------------------------------------------- decoding

function mercX(lon) { return (lon + 180) / 360; }
function mercY(lat) { return (1 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / Math.PI) / 2; }
function lonOf(x) { return x * 360 - 180; }
function latOf(y) { return (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI; }

function f64(list) {
  const out = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = list[i] === null ? Infinity : list[i];
  return out;
}

function mercator(lons, lats) {
  const x = new Float64Array(lons.length), y = new Float64Array(lats.length);
  for (let i = 0; i < lons.length; i++) { x[i] = mercX(lons[i]); y[i] = mercY(lats[i]); }
  return [x, y];
}

// Position at time tt along samples a..b-1 of (ts, xs, ys), written to out[0], out[1].
function at(tt, ts, xs, ys, a, b, out) {
  if (tt <= ts[a]) { out[0] = xs[a]; out[1] = ys[a]; return; }
  if (tt >= ts[b - 1]) { out[0] = xs[b - 1]; out[1] = ys[b - 1]; return; }
  let j = a;
  while (j < b - 2 && ts[j + 1] <= tt) j++;
  const f = (tt - ts[j]) / (ts[j + 1] - ts[j] || 1);
  out[0] = xs[j] + f * (xs[j + 1] - xs[j]);
  out[1] = ys[j] + f * (ys[j + 1] - ys[j]);
}

function decode(d) {
  if (d.format !== 1) throw new Error(`this page reads night format 1, the server sent ${d.format}`);
  const th = d.threats;
  const [rx, ry] = mercator(th.lon, th.lat);
  const threats = {
    n: th.n, cls: Int32Array.from(th.class), category: Int32Array.from(th.category),
    area: Int32Array.from(th.launch_area), aim: Int32Array.from(th.aim),
    launch: f64(th.launch_s), arrival: f64(th.arrival_s), off: Int32Array.from(th.offsets),
    t: f64(th.t), x: rx, y: ry,
  };
  const fateIndex = d.names.fate;
  const defences = {};
  const p = [0, 0];
  for (const [name, dd] of Object.entries(d.defences)) {
    const fateS = f64(dd.fate_s);
    const fx = new Float64Array(th.n), fy = new Float64Array(th.n);
    for (let i = 0; i < th.n; i++) {
      at(fateS[i], threats.t, threats.x, threats.y, threats.off[i], threats.off[i + 1], p);
      fx[i] = p[0]; fy[i] = p[1];
    }
    defences[name] = {
      fate: Uint8Array.from(dd.fate), fateS, fx, fy, by: Int32Array.from(dd.by), asset: Int32Array.from(dd.asset),
      terminalShots: Int32Array.from(dd.terminal_shots), tracked: dd.tracked_s ? f64(dd.tracked_s) : null,
      counts: dd.counts, sorties: dd.sorties,
    };
  }
  const fi = d.fighters;
  const [fx, fy] = mercator(fi.lon, fi.lat);
  const fighters = { ...fi, n: fi.aircraft.length, off: Int32Array.from(fi.offsets), t: f64(fi.t), x: fx, y: fy };
  const sh = d.shots;
  const [sx, sy] = mercator(sh.lon, sh.lat);
  const shots = { n: sh.t.length, t: f64(sh.t), fighter: Int32Array.from(sh.fighter), threat: Int32Array.from(sh.threat), weapon: Int32Array.from(sh.weapon), kill: Uint8Array.from(sh.kill.map(Number)), x: sx, y: sy };
  return {
    raw: d, names: d.names, fateIndex, threats, defences, fighters, shots,
    end: d.night.end_s, night: d.night,
    screenX: new Float32Array(th.n), screenY: new Float32Array(th.n), shown: new Uint8Array(th.n),
    fighterX: new Float32Array(fighters.n), fighterY: new Float32Array(fighters.n), fighterShown: new Uint8Array(fighters.n),
  };
}

// ----------------------------------------------------------------------- map and canvas

// A function from Web Mercator (0..1) to screen pixels for the map as it is now: an exact affine
// map when the view is flat (no pitch, any bearing), checked at a fourth point; else
// MapLibre's own projection point by point.
function makeProjector(map) {
  const w = map.getContainer().clientWidth, hgt = map.getContainer().clientHeight;
  const cx = w / 2, cy = hgt / 2, d = 100;
  const m = [[cx, cy], [cx + d, cy], [cx, cy + d]].map(([x, y]) => {
    const ll = map.unproject([x, y]);
    return [mercX(ll.lng), mercY(ll.lat)];
  });
  const ax = m[1][0] - m[0][0], ay = m[1][1] - m[0][1], bx = m[2][0] - m[0][0], by = m[2][1] - m[0][1];
  const det = ax * by - ay * bx;
  if (map.getPitch() === 0 && det !== 0) {
    // screen = s0 + J (merc - m0) with J = [[d, 0], [0, d]] * inverse([[ax, bx], [ay, by]])
    const i00 = by / det, i01 = -bx / det, i10 = -ay / det, i11 = ax / det;
    const j00 = d * i00, j01 = d * i01, j10 = d * i10, j11 = d * i11;
    const f = (x, y, out) => { const u = x - m[0][0], v = y - m[0][1]; out[0] = cx + j00 * u + j01 * v; out[1] = cy + j10 * u + j11 * v; };
    const probe = map.project([lonOf(m[0][0] + 0.01), latOf(m[0][1] + 0.01)]);
    const out = [0, 0];
    f(m[0][0] + 0.01, m[0][1] + 0.01, out);
    if (Math.hypot(out[0] - probe.x, out[1] - probe.y) < 0.5) return f;
  }
  return (x, y, out) => { const q = map.project([lonOf(x), latOf(y)]); out[0] = q.x; out[1] = q.y; };
}

function sizeCanvas() {
  const box = ctx.map.getContainer();
  const dpr = window.devicePixelRatio || 1;
  const w = box.clientWidth, hh = box.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hh * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(hh * dpr);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${hh}px`;
  }
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  return [w, hh];
}

const EMPTY = { type: "FeatureCollection", features: [] };
const REPLAY_LAYERS = [
  ["replay-hostile", "fill", "replay-zones", { "fill-color": "#c0392b", "fill-opacity": 0.18 }, ["==", ["get", "layer"], "hostile"]],
  ["replay-patrol", "line", "replay-zones", { "line-color": "#2e86c1", "line-width": 1.2 }, ["==", ["get", "layer"], "patrol_zone"]],
  ["replay-engagement", "line", "replay-zones", { "line-color": "#85c1e9", "line-width": 1, "line-dasharray": [2, 2] }, ["==", ["get", "layer"], "engagement_zone"]],
  ["replay-ground", "line", "replay-ground", { "line-color": "#b9770e", "line-width": 1 }],
  ["replay-aew", "line", "replay-aew", { "line-color": "#7d3c98", "line-width": 1.5, "line-dasharray": [3, 2] }],
  ["replay-tankers", "line", "replay-tankers", { "line-color": "#117a65", "line-width": 3, "line-opacity": 0.7 }],
  ["replay-assets", "circle", "replay-assets", { "circle-radius": 4, "circle-color": "#333", "circle-stroke-color": "#fff", "circle-stroke-width": 1 }],
  ["replay-bases", "circle", "replay-bases", { "circle-radius": ["case", ["get", "pledged"], 5, 2.5], "circle-color": "#117a65", "circle-stroke-color": "#fff", "circle-stroke-width": 1 }],
  ["replay-stations", "circle", "replay-stations", { "circle-radius": 5, "circle-color": "rgba(0,0,0,0)", "circle-stroke-color": "#1f3b73", "circle-stroke-width": 2 }],
];
const SOURCES = ["replay-zones", "replay-ground", "replay-aew", "replay-tankers", "replay-assets", "replay-bases", "replay-stations"];

function addLayers(map) {
  for (const id of SOURCES) map.addSource(id, { type: "geojson", data: EMPTY });
  for (const [id, type, source, paint, filter] of REPLAY_LAYERS) {
    map.addLayer({ id, type, source, paint, ...(filter ? { filter } : {}), layout: { visibility: "none" } });
  }
}

function setLayerData(d) {
  const L = d.layers;
  const data = {
    "replay-zones": d.zones || EMPTY, "replay-ground": L.ground, "replay-aew": L.aew_rings, "replay-tankers": L.tankers,
    "replay-assets": L.assets, "replay-bases": L.bases, "replay-stations": L.stations,
  };
  for (const [id, fc] of Object.entries(data)) ctx.map.getSource(id).setData(fc || EMPTY);
}

function showLayers(on) {
  for (const [id] of REPLAY_LAYERS) ctx.map.setLayoutProperty(id, "visibility", on ? "visible" : "none");
}

// ------------------------------------------------------------------------------- drawing

function drawTriangle(path, x, y, r) {
  path.moveTo(x, y - r);
  path.lineTo(x + r * 0.87, y + r * 0.5);
  path.lineTo(x - r * 0.87, y + r * 0.5);
  path.closePath();
}

// One frame at time ``t``: threats, fighters, shots, counts.  Returns the time it took (ms).
export function renderFrame() {
  const t0 = performance.now();
  const [w, hh] = sizeCanvas();
  g.clearRect(0, 0, w, hh);
  if (!night || !active) return 0;
  if (!projector) projector = makeProjector(ctx.map);
  const P = projector;
  const out = [0, 0], q = [0, 0];
  const th = night.threats;
  const dd = night.defences[defence];
  const fateNames = night.fateIndex;
  const showEnded = $("replay-ended").checked;

  // fighters (the shield only): the legs flown so far, and where each is now
  const fi = night.fighters;
  night.fighterShown.fill(0);
  if (defence === "shield") {
    const trails = new Path2D(), planes = new Path2D();
    for (let k = 0; k < fi.n; k++) {
      const a = fi.off[k], b = fi.off[k + 1];
      if (b - a < 1 || t < fi.t[a] || t > fi.t[b - 1]) continue;
      P(fi.x[a], fi.y[a], q);
      trails.moveTo(q[0], q[1]);
      for (let j = a + 1; j < b && fi.t[j] <= t; j++) { P(fi.x[j], fi.y[j], q); trails.lineTo(q[0], q[1]); }
      at(t, fi.t, fi.x, fi.y, a, b, out);
      P(out[0], out[1], q);
      trails.lineTo(q[0], q[1]);
      drawTriangle(planes, q[0], q[1], 5);
      night.fighterX[k] = q[0]; night.fighterY[k] = q[1]; night.fighterShown[k] = 1;
    }
    g.lineWidth = 1;
    g.strokeStyle = "rgba(31,59,115,0.45)";
    g.stroke(trails);
    g.fillStyle = "#1f3b73";
    g.fill(planes);
  }

  // threats: in flight as dots coloured by their fate; ended ones as small marks where they ended
  const flying = fateNames.map(() => new Path2D());
  const ended = fateNames.map(() => new Path2D());
  night.shown.fill(0);
  let sample = "";
  for (let i = 0; i < th.n; i++) {
    if (t < th.launch[i]) continue;
    const f = dd.fate[i];
    if (t >= dd.fateS[i]) {
      if (showEnded) { P(dd.fx[i], dd.fy[i], q); ended[f].rect(q[0] - 1.5, q[1] - 1.5, 3, 3); }
      continue;
    }
    at(t, th.t, th.x, th.y, th.off[i], th.off[i + 1], out);
    P(out[0], out[1], q);
    flying[f].moveTo(q[0] + 3, q[1]);
    flying[f].arc(q[0], q[1], 3, 0, 2 * Math.PI);
    night.screenX[i] = q[0]; night.screenY[i] = q[1]; night.shown[i] = 1;
    if (!sample && q[0] > 20 && q[1] > 20 && q[0] < w - 20 && q[1] < hh - 120) sample = `${i} ${q[0].toFixed(1)} ${q[1].toFixed(1)}`;
  }
  fateNames.forEach((name, f) => {
    const colour = FATES[name] ? FATES[name].color : "#000";
    g.globalAlpha = 0.55;
    g.fillStyle = colour;
    g.fill(ended[f]);
    g.globalAlpha = 1;
    g.fill(flying[f]);
  });

  // shots of the last minutes (the shield): a ring where the shot met the threat, filled if it killed
  if (defence === "shield") {
    const sh = night.shots, hits = new Path2D(), misses = new Path2D();
    for (let k = 0; k < sh.n; k++) {
      if (sh.t[k] > t || sh.t[k] < t - SHOT_SHOWN_S) continue;
      P(sh.x[k], sh.y[k], q);
      const path = sh.kill[k] ? hits : misses;
      path.moveTo(q[0] + 6, q[1]);
      path.arc(q[0], q[1], 6, 0, 2 * Math.PI);
    }
    g.strokeStyle = "#555";
    g.stroke(misses);
    g.fillStyle = "rgba(0,114,178,0.35)";
    g.fill(hits);
    g.strokeStyle = "#0072b2";
    g.stroke(hits);
  }

  // the threat whose story is shown: its route, and a ring around it
  if (selected !== null) {
    const a = th.off[selected], b = th.off[selected + 1];
    const route = new Path2D();
    for (let j = a; j < b; j++) { P(th.x[j], th.y[j], q); if (j === a) route.moveTo(q[0], q[1]); else route.lineTo(q[0], q[1]); }
    g.setLineDash([4, 3]);
    g.strokeStyle = "#222";
    g.stroke(route);
    g.setLineDash([]);
    if (night.shown[selected]) {
      g.beginPath();
      g.arc(night.screenX[selected], night.screenY[selected], 8, 0, 2 * Math.PI);
      g.lineWidth = 2;
      g.stroke();
      g.lineWidth = 1;
    }
  }
  updateCounts();
  const ms = performance.now() - t0;
  frameTimes.push(ms);
  if (frameTimes.length > FRAMES_KEPT) frameTimes.shift();
  const bar = $("replay-bar");
  bar.dataset.frameMs = ms.toFixed(2);
  bar.dataset.frameTimes = frameTimes.map((v) => v.toFixed(2)).join(",");
  bar.dataset.t = String(t);
  bar.dataset.sample = sample; // a threat in flight and where it is drawn (x y in the map's box)
  const sorted = [...frameTimes].sort((x, y) => x - y);
  $("replay-frame").textContent = `frame ${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms`;
  return ms;
}

function updateCounts() {
  const th = night.threats;
  const names = night.fateIndex;
  const rows = { launched: {}, flying: {} };
  for (const [dname, dd] of Object.entries(night.defences)) {
    const byFate = new Array(names.length).fill(0);
    let launched = 0, done = 0;
    for (let i = 0; i < th.n; i++) {
      if (th.launch[i] > t) continue;
      launched++;
      if (dd.fateS[i] <= t) { byFate[dd.fate[i]]++; done++; }
    }
    rows.launched[dname] = launched;
    rows.flying[dname] = launched - done;
    names.forEach((f, k) => { (rows[f] = rows[f] || {})[dname] = byFate[k]; });
  }
  for (const [key, vals] of Object.entries(rows)) {
    for (const [dname, v] of Object.entries(vals)) {
      const cell = document.getElementById(`count-${key}-${dname}`);
      if (cell) cell.textContent = fmt(v, 0);
    }
  }
  $("replay-clock").textContent = `${clock(night.night, t)} (+${fmt(t / 3600, 1)} h)`;
}

// ---------------------------------------------------------------------------- the story

function name(kind, index) { return night.names[kind][index] || ""; }

function describeFate(dd, i) {
  const fate = name("fate", dd.fate[i]);
  const when = clock(night.night, dd.fateS[i]);
  const by = name("by", dd.by[i]);
  if (fate === "killed_fighter") return `${when}: killed by fighter ${by}`;
  if (fate === "killed_ground") {
    if (by === "area") return `${when}: killed by area defences (mobile fire groups, interceptors)`;
    return `${when}: killed by the terminal defence at ${by} (${dd.terminalShots[i]} shot(s))`;
  }
  if (fate === "lost_ew") return `${when}: lost to electronic warfare`;
  if (fate === "hit_asset") return `${when}: hit ${name("asset", dd.asset[i])}${dd.terminalShots[i] ? ` (terminal defence fired ${dd.terminalShots[i]} shot(s))` : ""}`;
  if (fate === "hit_elsewhere") return `${when}: hit elsewhere in the zone`;
  return `${when}: came down outside the protected area`;
}

function story(i) {
  const th = night.threats;
  const lines = [
    h("h3", {}, `${name("class", th.cls[i])} #${i} (${name("category", th.category[i])})`),
    h("div", {}, `launched ${clock(night.night, th.launch[i])} from ${name("launch_area", th.area[i])}, aimed at ${name("aim", th.aim[i])}`),
  ];
  for (const dname of Object.keys(night.defences)) {
    const dd = night.defences[dname];
    const items = [];
    if (dd.tracked) {
      items.push(Number.isFinite(dd.tracked[i]) ? `${clock(night.night, dd.tracked[i])}: tracked (detected by the coalition's sensors or national surveillance)` : "never tracked");
    }
    if (dname === "shield") {
      const sh = night.shots;
      for (let k = 0; k < sh.n; k++) {
        if (sh.threat[k] !== i) continue;
        const fk = sh.fighter[k];
        const who = fk >= 0 ? `${night.fighters.aircraft[fk]} (${night.fighters.type[fk]}, ${night.fighters.nation[fk]})` : "a fighter";
        items.push(`${clock(night.night, sh.t[k])}: ${who} fired ${name("weapon", sh.weapon[k])}: ${sh.kill[k] ? "hit" : "missed"}`);
      }
    }
    items.push(describeFate(dd, i));
    lines.push(h("div", { class: `story-${dname}` }, h("b", {}, dname), h("ul", {}, ...items.map((x) => h("li", {}, x)))));
  }
  $("replay-story").replaceChildren(...lines);
  $("replay-story").dataset.threat = String(i);
}

function fighterStory(k) {
  const f = night.fighters;
  $("replay-story").replaceChildren(
    h("h3", {}, `${f.type[k]} ${f.aircraft[k]} (${f.nation[k]})`),
    h("div", {}, `from ${f.base[k]} to station ${f.station[k]}; took off ${clock(night.night, f.takeoff_s[k])}, landed ${clock(night.night, f.landing_s[k])}`),
    h("div", {}, `${f.kills[k]} kill(s), ${f.weapons_spent[k]} weapon(s) spent`),
  );
  $("replay-story").dataset.threat = "";
}

function pick(ev) {
  if (!active || !night) return;
  const { x, y } = ev.point;
  let best = null, bestD = 10;
  for (let i = 0; i < night.threats.n; i++) {
    if (!night.shown[i]) continue;
    const d = Math.hypot(night.screenX[i] - x, night.screenY[i] - y);
    if (d < bestD) { bestD = d; best = ["threat", i]; }
  }
  for (let k = 0; k < night.fighters.n; k++) {
    if (!night.fighterShown[k]) continue;
    const d = Math.hypot(night.fighterX[k] - x, night.fighterY[k] - y);
    if (d < bestD) { bestD = d; best = ["fighter", k]; }
  }
  if (!best) return;
  if (best[0] === "threat") { selected = best[1]; story(best[1]); } else { selected = null; fighterStory(best[1]); }
  renderFrame();
}

// ---------------------------------------------------------------------------- controls

function setTime(v) {
  t = Math.max(0, Math.min(night.end, v));
  $("replay-time").value = String(t);
  renderFrame();
}

function tick(now) {
  if (!playing) return;
  if (lastTick !== null) {
    const next = t + ((now - lastTick) / 1000) * speed;
    setTime(next);
    if (next >= night.end) { setPlaying(false); return; }
  }
  lastTick = now;
  requestAnimationFrame(tick);
}

function setPlaying(on) {
  playing = on && !!night;
  $("replay-play").textContent = playing ? "❚❚ pause" : "▶ play";
  $("replay-play").dataset.playing = playing ? "1" : "0";
  lastTick = null;
  if (playing) {
    if (t >= night.end) t = 0;
    requestAnimationFrame(tick);
  }
}

function renderPanel() {
  const d = night.raw;
  const names = night.fateIndex;
  const dn = Object.keys(night.defences);
  const row = (key, label, colour) => h("tr", { dataset: { row: key } },
    h("td", {}, colour ? h("span", { class: "swatch", style: `background:${colour}` }) : null, label),
    ...dn.map((x) => h("td", { id: `count-${key}-${x}` }, "0")),
    ...dn.map((x) => h("td", { class: "final" }, key in night.defences[x].counts ? fmt(night.defences[x].counts[key], 0) : key === "launched" ? fmt(night.threats.n, 0) : "")));
  const run = d.run;
  $("replay-info").replaceChildren(
    h("h2", { id: "replay-title" }, d.title),
    h("p", { class: "hint" }, `run ${run.run_id} (${run.kind}, ${run.scenario_origin}), replication ${d.rep} of ${run.replications}, seed ${d.seed}; ${clock(d.night, 0)} to ${clock(d.night, d.night.end_s)}`),
    ...d.warnings.map((w) => h("p", { class: "err" }, w)),
    h("table", { id: "replay-counts" },
      h("tr", {}, h("th", {}, "at the time shown"), ...dn.map((x) => h("th", {}, x)), ...dn.map((x) => h("th", {}, `${x}, night`))),
      row("launched", "launched"),
      row("flying", "in the air"),
      ...names.map((f) => row(f, FATES[f] ? FATES[f].text : f, FATES[f] ? FATES[f].color : null))),
    h("p", { class: "hint" }, `Sorties: ${fmt(night.defences.shield ? night.defences.shield.sorties : 0, 0)}. Triangles: fighters (their legs flown so far behind them); rings: shots of the last ${SHOT_SHOWN_S / 60} minutes (filled: a kill). Click a threat or a fighter for its story.`),
  );
  const href = (fmt2) => `/api/runs/${encodeURIComponent(run.run_id)}/replications/${d.rep}/export?format=${fmt2}&defence=${defence}`;
  $("replay-exports").replaceChildren(
    h("span", {}, `Download this night (${defence}): `),
    ...[["acmi", "ACMI (Tacview)"], ["kml", "KML"], ["geojson", "GeoJSON"], ["czml", "CZML"]].map(([f, label]) =>
      h("a", { href: href(f), download: "", class: "export", dataset: { format: f } }, label)),
  );
  $("replay-story").replaceChildren(h("p", { class: "hint" }, "Click a threat or a fighter on the map."));
}

export function setRuns(list) {
  runs = list;
  const sel = $("replay-run");
  const was = sel.value;
  sel.replaceChildren(...list.map((r) => h("option", { value: r.run_id, selected: r.run_id === was, dataset: { replications: r.replications } },
    `${r.run_id} ${r.kind} ${r.scenario_origin} ${r.raid} (${r.replications})`)));
}

// Load and show replication ``rep`` of run ``runId``.
export async function load(runId, rep) {
  setPlaying(false);
  ctx.setStatus(`replaying run ${runId} replication ${rep}: simulating it again (a few seconds the first time)…`);
  $("replay-info").replaceChildren(h("p", { class: "hint" }, `Simulating replication ${rep} of run ${runId} again…`));
  let data;
  try {
    data = await api("GET", `/api/runs/${encodeURIComponent(runId)}/replications/${rep}/night`);
  } catch (err) {
    $("replay-info").replaceChildren(h("p", { class: "err" }, `Replication ${rep} of run ${runId} cannot be replayed: ${err.message}`));
    throw err;
  }
  night = decode(data);
  selected = null;
  setLayerData(data);
  $("replay-time").max = String(night.end);
  $("replay-time").step = String(STEP_S);
  $("replay-run").value = runId;
  $("replay-rep").value = String(rep);
  renderPanel();
  activate(active);
  let first = Infinity;
  for (let i = 0; i < night.threats.n; i++) first = Math.min(first, night.threats.launch[i]);
  setTime(Number.isFinite(first) ? Math.max(0, Math.floor((first - 600) / STEP_S) * STEP_S) : 0);
  document.body.dataset.replay = `${runId}-${rep}`;
  ctx.setStatus(`replay of run ${runId} replication ${rep} (${night.threats.n} threats, ${night.fighters.n} fighter sorties)`);
}

// Show or hide the replay (its tab is shown or left).
export function activate(on) {
  if (!ctx) return;
  active = on;
  if (!on) setPlaying(false);
  ctx.setPlanning(!(on && night));
  showLayers(on && !!night);
  $("replay-bar").hidden = !(on && night);
  canvas.hidden = !on;
  projector = null;
  renderFrame();
}

export function init(shared) {
  ctx = shared;
  const map = ctx.map;
  canvas = h("canvas", { id: "replay-canvas", hidden: true });
  const controls = map.getContainer().querySelector(".maplibregl-control-container");
  map.getContainer().insertBefore(canvas, controls);
  g = canvas.getContext("2d");
  addLayers(map);
  map.on("move", () => { projector = null; if (active && night && !playing) renderFrame(); });
  map.on("resize", () => { projector = null; if (active && night) renderFrame(); });
  map.on("click", pick);
  $("replay-speed").replaceChildren(...SPEEDS.map(([v, label]) => h("option", { value: v, selected: v === speed }, label)));
  $("replay-speed").addEventListener("change", (e) => { speed = Number(e.target.value); });
  $("replay-play").addEventListener("click", () => setPlaying(!playing));
  $("replay-time").addEventListener("input", (e) => { if (night) setTime(Number(e.target.value)); });
  $("replay-ended").addEventListener("change", () => renderFrame());
  for (const r of document.querySelectorAll("input[name=replay-defence]")) {
    r.addEventListener("change", (e) => {
      defence = e.target.value;
      if (night) { renderPanel(); if (selected !== null) story(selected); renderFrame(); }
    });
  }
  $("replay-load").addEventListener("click", () => {
    const id = $("replay-run").value;
    if (!id) { ctx.setStatus("no run in the store yet: start a job, or simulate a new night", true); return; }
    load(id, parseInt($("replay-rep").value || "0", 10)).catch((e) => ctx.setStatus(e.message, true));
  });
  $("replay-new").addEventListener("click", () => {
    ctx.submitJob({ kind: "mc", runs: 1, seed: parseInt($("replay-seed").value || "1", 10) }, (job) => {
      if (job.state === "done" && job.result.run_ids && job.result.run_ids.length) ctx.openReplay(job.result.run_ids[0], 0);
    }, $("replay-job")).catch((e) => ctx.setStatus(e.message, true));
  });
}
