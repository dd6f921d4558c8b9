// Sky Shield planner: the page.  Every action is a call to the JSON API of this server; the
// scenario's YAML text is the state, the server applies edits to it and checks it.  Text from
// the server is always set as text (textContent), never as HTML.
import * as maplibregl from "/static/vendor/maplibre-gl/maplibre-gl.mjs";
import * as record from "/static/record.js";
import * as replay from "/static/replay.js";
import * as studies from "/static/studies.js";
import { $, api, fmt, h, money } from "/static/util.js";

function dotted(path) {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${p}` : String(p);
  return out;
}

const state = {
  ref: null,
  kind: "builtin",
  text: "",
  openedSha: null,
  view: null,
  zonesKey: null,
  info: null,
};

function setStatus(text, isError = false) {
  const el = $("status");
  el.textContent = text;
  el.style.color = isError ? "#f5b7b1" : "";
}

// ---------------------------------------------------------------------------------- the map

let map = null;
const markers = [];

const LAYERS = [
  { id: "hostile", label: "hostile-held areas", color: "#c0392b" },
  { id: "patrol", label: "patrol zone (CAP stations)", color: "#2e86c1" },
  { id: "engagement", label: "engagement zone (shots)", color: "#85c1e9" },
  { id: "ground", label: "ground defences", color: "#d68910" },
  { id: "assets", label: "protected assets", color: "#333333" },
  { id: "bases", label: "air bases", color: "#117a65" },
  { id: "legs", label: "transits base to station", color: "#1f3b73" },
  { id: "aew", label: "AEW orbits", color: "#7d3c98" },
  { id: "tankers", label: "tanker tracks", color: "#117a65" },
  { id: "stations", label: "CAP stations", color: "#1f3b73" },
];

const MAP_LAYER_IDS = {
  hostile: ["hostile-fill"],
  patrol: ["patrol-fill", "patrol-line"],
  engagement: ["engagement-line"],
  ground: ["ground-fill", "ground-line"],
  assets: ["assets-circle"],
  bases: ["bases-circle"],
  legs: ["legs-line"],
  aew: ["aew-line"],
  tankers: ["tankers-line"],
};

const EMPTY = { type: "FeatureCollection", features: [] };
const visible = Object.fromEntries(LAYERS.map((l) => [l.id, true]));

function initMap(countries) {
  const sources = {
    countries: { type: "geojson", data: countries },
    zones: { type: "geojson", data: EMPTY },
    ground: { type: "geojson", data: EMPTY },
    assets: { type: "geojson", data: EMPTY },
    bases: { type: "geojson", data: EMPTY },
    legs: { type: "geojson", data: EMPTY },
    tankers: { type: "geojson", data: EMPTY },
    aew_rings: { type: "geojson", data: EMPTY },
  };
  const layers = [{ id: "background", type: "background", paint: { "background-color": "#dfe8f0" } }];
  if (state.info.basemap) {
    sources.basemap = {
      type: "raster",
      tiles: [`${location.origin}/api/basemap/{z}/{x}/{y}`],
      tileSize: 256,
    };
    layers.push({ id: "basemap", type: "raster", source: "basemap" });
  }
  layers.push(
    { id: "countries-fill", type: "fill", source: "countries", paint: { "fill-color": "#f4f1ea", "fill-opacity": state.info.basemap ? 0.2 : 1 } },
    { id: "countries-line", type: "line", source: "countries", paint: { "line-color": "#888", "line-width": 0.8 } },
    { id: "hostile-fill", type: "fill", source: "zones", filter: ["==", ["get", "layer"], "hostile"], paint: { "fill-color": "#c0392b", "fill-opacity": 0.25 } },
    { id: "patrol-fill", type: "fill", source: "zones", filter: ["==", ["get", "layer"], "patrol_zone"], paint: { "fill-color": "#2e86c1", "fill-opacity": 0.12 } },
    { id: "patrol-line", type: "line", source: "zones", filter: ["==", ["get", "layer"], "patrol_zone"], paint: { "line-color": "#2e86c1", "line-width": 1.5 } },
    { id: "engagement-line", type: "line", source: "zones", filter: ["==", ["get", "layer"], "engagement_zone"], paint: { "line-color": "#85c1e9", "line-width": 1.2, "line-dasharray": [2, 2] } },
    { id: "ground-fill", type: "fill", source: "ground", paint: { "fill-color": "#d68910", "fill-opacity": 0.08 } },
    { id: "ground-line", type: "line", source: "ground", paint: { "line-color": "#d68910", "line-width": 0.8 } },
    { id: "legs-line", type: "line", source: "legs", paint: { "line-color": "#1f3b73", "line-opacity": 0.35, "line-width": 1 } },
    { id: "tankers-line", type: "line", source: "tankers", paint: { "line-color": "#117a65", "line-width": 3 } },
    { id: "aew-line", type: "line", source: "aew_rings", paint: { "line-color": "#7d3c98", "line-width": 1.5 } },
    { id: "assets-circle", type: "circle", source: "assets", paint: { "circle-radius": 4, "circle-color": "#333", "circle-stroke-color": "#fff", "circle-stroke-width": 1 } },
    { id: "bases-circle", type: "circle", source: "bases", paint: { "circle-radius": ["case", ["get", "pledged"], 6, 3], "circle-color": "#117a65", "circle-stroke-color": "#fff", "circle-stroke-width": 1.5 } },
  );
  map = new maplibregl.Map({
    container: "map",
    style: { version: 8, sources, layers },
    center: [28.5, 48.8],
    zoom: 4.9,
    attributionControl: false,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-left");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-right");
  for (const [layer, describe] of [
    ["assets-circle", (p) => `${p.name} (${p.kind}, value ${p.value})`],
    ["bases-circle", (p) => `${p.icao} ${p.name} (${p.country})${p.pledged ? ", jets pledged here" : ""}`],
  ]) {
    map.on("click", layer, (e) => {
      const f = e.features[0];
      new maplibregl.Popup({ closeButton: false }).setLngLat(f.geometry.coordinates).setText(describe(f.properties)).addTo(map);
    });
  }
  return new Promise((resolve) => map.on("load", resolve));
}

function renderLegend() {
  const box = $("legend");
  box.replaceChildren(
    ...LAYERS.map((l) =>
      h("label", {},
        h("input", {
          type: "checkbox", checked: visible[l.id], dataset: { layer: l.id },
          onchange: (e) => { visible[l.id] = e.target.checked; applyVisibility(); },
        }),
        h("span", { class: "swatch", style: `background:${l.color}` }),
        l.label),
    ),
  );
}

// The planning layers and markers are hidden while a night is replayed (the replay draws its
// own scenario's layers).
let planning = true;

function applyVisibility() {
  for (const [key, ids] of Object.entries(MAP_LAYER_IDS)) {
    for (const id of ids) map.setLayoutProperty(id, "visibility", planning && visible[key] ? "visible" : "none");
  }
  for (const m of markers) {
    m.getElement().hidden = !(planning && visible[m._skyshieldLayer]);
  }
  $("legend").hidden = !planning;
}

function setPlanning(on) {
  planning = on;
  applyVisibility();
}

function addMarker(layer, element, lonlat, onMove) {
  const m = new maplibregl.Marker({ element, draggable: true }).setLngLat(lonlat).addTo(map);
  m._skyshieldLayer = layer;
  m.on("dragend", () => {
    const p = m.getLngLat();
    onMove([Math.round(p.lng * 1000) / 1000, Math.round(p.lat * 1000) / 1000]);
  });
  markers.push(m);
}

function renderMap(view) {
  if (view.zones) map.getSource("zones").setData(view.zones);
  const layers = view.layers;
  for (const key of ["ground", "assets", "bases", "legs", "tankers", "aew_rings"]) {
    map.getSource(key).setData(layers ? layers[key] : EMPTY);
  }
  for (const m of markers) m.remove();
  markers.length = 0;
  if (!layers) return;
  for (const f of layers.stations.features) {
    const p = f.properties;
    const short = p.held === false;
    const el = h("div", {
      class: `station-marker${short ? " short" : ""}`,
      title: `CAP station ${p.id}: ${p.aircraft} on station required${p.on_station_held !== undefined ? `, ${p.on_station_held} held` : ""} (drag to move)`,
      dataset: { station: p.id, index: String(p.index) },
    }, `${p.id} ${p.aircraft}`);
    addMarker("stations", el, f.geometry.coordinates, (pos) =>
      edit([{ op: "set", path: ["cap", "stations", p.index, "position"], value: pos }]));
  }
  for (const f of layers.aew.features) {
    const p = f.properties;
    const el = h("div", { class: "aew-marker", title: `AEW orbit ${p.id} (${p.type}); drag to move`, dataset: { aew: p.id } }, p.id);
    addMarker("aew", el, f.geometry.coordinates, (pos) =>
      edit([{ op: "set", path: ["aew_orbits", p.index, "position"], value: pos }]));
  }
  for (const f of layers.tankers.features) {
    const p = f.properties;
    f.geometry.coordinates.forEach((c, end) => {
      const el = h("div", { class: "tanker-marker", title: `tanker track ${p.id} ${end ? "end" : "start"}; drag to move` });
      addMarker("tankers", el, c, (pos) =>
        edit([{ op: "set", path: ["tanker_tracks", p.index, end ? "end" : "start"], value: pos }]));
    });
  }
  applyVisibility();
}

// ------------------------------------------------------------------------- checking and edits

let queue = Promise.resolve();

function edit(ops) {
  queue = queue
    .then(() => check(ops))
    .catch((err) => setStatus(err.message, true));
  return queue;
}

async function check(ops) {
  setStatus("checking…");
  const t0 = performance.now();
  const view = await api("POST", "/api/check", { ref: state.ref, text: state.text, edits: ops, zones_for: state.zonesKey });
  applyView(view, performance.now() - t0);
}

function applyView(view, ms) {
  state.view = view;
  state.text = view.text;
  if (view.theatre_key) state.zonesKey = view.theatre_key;
  renderMap(view);
  renderProblems(view);
  renderForces(view);
  renderEdit(view);
  $("yaml-text").textContent = view.text;
  $("yaml-sha").textContent = view.sha256;
  const dirty = view.sha256 !== state.openedSha;
  $("dirty").hidden = !dirty;
  $("save-button").disabled = !(state.kind === "file" && dirty && !view.problems.length);
  $("doc-name").textContent = state.ref;
  const n = view.problems.length;
  const timing = ms === undefined ? "" : ` in ${Math.round(ms)} ms`;
  setStatus(n ? `${n} problem(s)` : `checked${timing} (server ${view.elapsed_ms} ms)`, n > 0);
  document.body.dataset.checked = String(Number(document.body.dataset.checked || 0) + 1);
}

function renderProblems(view) {
  const box = $("problems");
  for (const el of document.querySelectorAll(".err[data-for]")) el.textContent = "";
  const all = [...view.problems.map((p) => ["error", p]), ...view.warnings.map((p) => ["warning", p])];
  box.hidden = all.length === 0;
  box.classList.toggle("warn", view.problems.length === 0);
  box.replaceChildren(
    ...all.map(([kind, p]) => {
      const where = `${p.file}${p.line ? `:${p.line}` : ""}${p.field ? ` ${p.field}` : ""}`;
      const slot = p.field ? document.querySelector(`.err[data-for="${CSS.escape(p.field)}"]`) : null;
      if (slot) slot.textContent = p.message;
      return h("div", { class: "problem" }, h("b", {}, `${kind}: `), `${where}: ${p.message}`);
    }),
  );
}

// ------------------------------------------------------------------------------ the forces

function figureRow(label, key, text) {
  return h("tr", {}, h("td", {}, label), h("td", { dataset: { figure: key } }, text));
}

function renderForces(view) {
  const box = $("tab-forces");
  if (!view.forces) {
    box.replaceChildren(h("p", { class: "hint" }, "No force plan: the scenario has problems (see above)."));
    return;
  }
  const t = view.forces.totals;
  const total = (t.fighter_cost_per_day_usd || 0) + (t.support_cost_per_day_usd || 0);
  const figures = h("table", { class: "figures" },
    figureRow("CAP stations held 24/7", "stations_held", `${fmt(t.stations_held, 0)} of ${fmt(t.stations, 0)}`),
    figureRow("aircraft on station, held / required", "on_station", `${fmt(t.on_station_held, 1)} / ${fmt(t.on_station_required, 0)}`),
    figureRow("aircraft pledged / committed", "aircraft", `${fmt(t.aircraft_pledged, 0)} / ${fmt(t.aircraft_committed, 0)}`),
    figureRow("fighter sorties a day", "sorties", fmt(t.fighter_sorties_per_day, 1)),
    figureRow("fighter flight hours a day", "flight_hours", fmt(t.fighter_flight_hours_per_day, 0)),
    figureRow("fighter cost a day (USD)", "fighter_cost", money(t.fighter_cost_per_day_usd)),
    figureRow("AEW and tanker cost a day (USD)", "support_cost", money(t.support_cost_per_day_usd)),
    figureRow("cost a day, all (USD)", "total_cost", money(total)),
    figureRow("tanker fuel used / available (t a day)", "fuel", `${fmt(t.tanker_fuel_used_t_per_day, 0)} / ${fmt(t.tanker_fuel_capacity_t_per_day, 0)}`),
    figureRow("closest transit to hostile territory (km)", "exposure", fmt(t.pilot_exposure_min_km, 0)),
  );
  const stations = h("table", {},
    h("tr", {}, ...["station", "required", "held", "aircraft", "sorties/day", "cost/day"].map((c) => h("th", {}, c))),
    ...view.forces.stations.map((s) =>
      h("tr", { dataset: { station: s.station } },
        h("td", {}, s.station),
        h("td", {}, fmt(s.on_station_required, 0)),
        h("td", { class: s.held ? "" : "short" }, fmt(s.on_station_held, 1)),
        h("td", {}, fmt(s.aircraft, 1)),
        h("td", {}, fmt(s.sorties_per_day, 1)),
        h("td", {}, money(s.cost_per_day_usd)))),
  );
  box.replaceChildren(
    h("h2", {}, "Force generation"),
    figures,
    h("h2", {}, "CAP stations"),
    stations,
    h("h2", {}, "What is short"),
    view.forces.shortfalls.length
      ? h("ul", { id: "shortfalls" }, ...view.forces.shortfalls.map((s) => h("li", {}, s)))
      : h("p", { id: "shortfalls" }, "Nothing: every station is held."),
    view.forces.notes.length
      ? h("details", {}, h("summary", {}, `Notes (${view.forces.notes.length})`), h("ul", {}, ...view.forces.notes.map((s) => h("li", {}, s))))
      : null,
    h("p", { class: "hint" }, "Drag a CAP station, an AEW orbit or a tanker track's end on the map; change pledges and assumptions in Edit. Every change is checked like `skyshield scenario validate` and the plan recomputed."),
  );
}

// ---------------------------------------------------------------------------- the edit panel

function errSlot(path) {
  return h("span", { class: "err", dataset: { for: dotted(path) } });
}

function numberInput(path, value, opts = {}) {
  return h("input", {
    type: "number", value: value ?? "", step: opts.step ?? "any", min: opts.min, max: opts.max,
    title: opts.title, dataset: { path: dotted(path) }, "aria-label": opts.label || dotted(path),
    onchange: (e) => {
      const raw = e.target.value.trim();
      if (raw === "" && opts.optional) edit([{ op: "remove", path }]);
      else edit([{ op: "set", path, value: opts.integer ? parseInt(raw, 10) : parseFloat(raw) }]);
    },
  });
}

function textInput(path, value, opts = {}) {
  return h("input", {
    type: "text", value: value ?? "", dataset: { path: dotted(path) }, title: opts.title,
    "aria-label": opts.label || dotted(path),
    onchange: (e) => edit([{ op: "set", path, value: opts.list ? e.target.value.split(",").map((s) => s.trim()).filter(Boolean) : e.target.value }]),
  });
}

function selectInput(path, value, options, label) {
  const sel = h("select", {
    dataset: { path: dotted(path) }, "aria-label": label || dotted(path),
    onchange: (e) => edit([{ op: "set", path, value: e.target.value }]),
  }, ...options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)));
  if (!options.some(([v]) => v === value)) sel.prepend(h("option", { value, selected: true }, value));
  return sel;
}

function positionInputs(path, position, label) {
  const set = () => edit([{ op: "set", path, value: [parseFloat(lon.value), parseFloat(lat.value)] }]);
  const lon = h("input", { type: "number", step: 0.01, value: position[0], dataset: { path: dotted(path) }, "aria-label": `${label} lon`, onchange: set });
  const lat = h("input", { type: "number", step: 0.01, value: position[1], dataset: { path: dotted(path) }, "aria-label": `${label} lat`, onchange: set });
  return ["lon", lon, "lat", lat];
}

function field(label, path, input) {
  return h("div", { class: "field" }, h("label", {}, label), h("div", {}, input, errSlot(path)));
}

function renderEdit(view) {
  const box = $("tab-edit");
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.path : null;
  if (!view.scenario) {
    box.replaceChildren(h("p", { class: "hint" }, "The scenario does not load; fix the problems above (or open another)."));
    return;
  }
  const s = view.scenario;
  const ch = view.choices;
  const bases = ch.bases.map((b) => [b.icao, `${b.icao} ${b.name} (${b.country})`]);
  const types = ch.fighters.map((t) => [t, t]);
  const general = h("fieldset", {}, h("legend", {}, "Scenario"),
    field("name", ["name"], textInput(["name"], s.name)),
    field("description", ["description"], textInput(["description"], s.description)),
  );
  const theatre = h("fieldset", {}, h("legend", {}, "Theatre"),
    field("hostile areas", ["theatre", "hostile"], textInput(["theatre", "hostile"], s.theatre.hostile.join(", "), { list: true, title: "ISO alpha-3 codes and 'occupied', comma-separated" })),
    field("patrol standoff (km)", ["theatre", "patrol_standoff_km"], numberInput(["theatre", "patrol_standoff_km"], s.theatre.patrol_standoff_km, { min: 0 })),
    field("engagement standoff (km)", ["theatre", "engage_standoff_km"], numberInput(["theatre", "engage_standoff_km"], s.theatre.engage_standoff_km, { min: 0 })),
  );
  const stations = s.cap.stations.map((st, i) => {
    const p = ["cap", "stations", i];
    return h("div", { class: "row", dataset: { station: st.id } },
      textInput([...p, "id"], st.id, { label: `station ${i + 1} id` }),
      "on station", numberInput([...p, "aircraft"], st.aircraft, { min: 1, step: 1, integer: true, label: `station ${st.id} aircraft` }),
      ...positionInputs([...p, "position"], st.position, `station ${st.id}`),
      h("button", { type: "button", title: "remove this station", onclick: () => edit([{ op: "remove", path: p }]) }, "✕"),
      errSlot(p), errSlot([...p, "position"]), errSlot([...p, "aircraft"]), errSlot([...p, "id"]));
  });
  const cap = h("fieldset", {}, h("legend", {}, "CAP stations"),
    field("refuel from tankers", ["cap", "use_tankers"], h("input", {
      type: "checkbox", checked: s.cap.use_tankers, dataset: { path: "cap.use_tankers" },
      onchange: (e) => edit([{ op: "set", path: ["cap", "use_tankers"], value: e.target.checked }]),
    })),
    field("least time on station (h)", ["cap", "min_time_on_station_h"], numberInput(["cap", "min_time_on_station_h"], s.cap.min_time_on_station_h, { min: 0 })),
    ...stations,
    h("button", {
      type: "button", id: "add-station",
      onclick: () => {
        const c = map.getCenter();
        edit([{ op: "append", path: ["cap", "stations"], value: { id: `station-${s.cap.stations.length + 1}`, position: [Math.round(c.lng * 100) / 100, Math.round(c.lat * 100) / 100], aircraft: 2 } }]);
      },
    }, "add a station at the map's centre"),
    errSlot(["cap", "stations"]),
  );
  const members = s.coalition.members.map((m, i) => {
    const p = ["coalition", "members", i];
    return h("div", { class: "member", dataset: { member: m.iso_a3 } },
      h("div", { class: "row" },
        textInput([...p, "nation"], m.nation, { label: `member ${i + 1} nation` }),
        textInput([...p, "iso_a3"], m.iso_a3, { label: `member ${i + 1} ISO code` }),
        h("button", { type: "button", title: "remove this member", onclick: () => edit([{ op: "remove", path: p }]) }, "✕"),
        errSlot([...p, "nation"]), errSlot([...p, "iso_a3"])),
      ...m.pledges.map((pl, j) => {
        const q = [...p, "pledges", j];
        return h("div", { class: "row pledge" },
          "·", selectInput([...q, "type"], pl.type, types, `${m.nation} pledge ${j + 1} type`),
          numberInput([...q, "count"], pl.count, { min: 1, step: 1, integer: true, label: `${m.nation} pledge ${j + 1} count` }),
          "at", selectInput([...q, "base"], pl.base, bases, `${m.nation} pledge ${j + 1} base`),
          h("button", { type: "button", title: "remove this pledge", onclick: () => edit([{ op: "remove", path: q }]) }, "✕"),
          errSlot(q), errSlot([...q, "type"]), errSlot([...q, "count"]), errSlot([...q, "base"]));
      }),
      h("button", {
        type: "button",
        onclick: () => edit([{ op: "append", path: [...p, "pledges"], value: { type: ch.fighters[0], count: 4, base: ch.bases[0].icao } }]),
      }, `add a pledge for ${m.nation}`));
  });
  const coalition = h("fieldset", {}, h("legend", {}, `Coalition: ${s.coalition.members.length} members`),
    ...members,
    h("button", {
      type: "button",
      onclick: () => edit([{ op: "append", path: ["coalition", "members"], value: { nation: "New member", iso_a3: "XXX", pledges: [] } }]),
    }, "add a member"),
  );
  const used = [...new Set(s.coalition.members.flatMap((m) => m.pledges.map((p) => p.type)))].sort();
  const overrides = (s.catalog_overrides && s.catalog_overrides.fighters) || {};
  const readiness = h("fieldset", {}, h("legend", {}, "Readiness and key assumptions"),
    h("p", { class: "hint" }, "Mission-capable rate by fighter type (0–1); empty: the catalog's figure."),
    ...used.map((t) => {
      const path = ["catalog_overrides", "fighters", t, "mission_capable_rate"];
      const given = overrides[t] ? overrides[t].mission_capable_rate : undefined;
      return field(`${t} mission-capable rate`, path, numberInput(path, given, { min: 0, max: 1, step: 0.01, optional: true, title: `catalog: ${fmt(ch.readiness ? ch.readiness[t] : null, 2)}` }));
    }),
    ...s.aew_orbits.map((o, i) => field(`AEW ${o.id} hours a day`, ["aew_orbits", i, "hours_covered"], numberInput(["aew_orbits", i, "hours_covered"], o.hours_covered, { min: 0, max: 24 }))),
    ...s.tanker_tracks.map((t, i) => field(`tanker ${t.id} hours a day`, ["tanker_tracks", i, "hours_covered"], numberInput(["tanker_tracks", i, "hours_covered"], t.hours_covered, { min: 0, max: 24 }))),
  );
  box.replaceChildren(general, theatre, cap, coalition, readiness);
  if (focused) {
    const again = box.querySelector(`[data-path="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
  renderProblems(view);
}

// ------------------------------------------------------------------------------ open and save

async function openScenario(ref) {
  setStatus(`opening ${ref}…`);
  const view = await api("GET", `/api/scenarios/${encodeURIComponent(ref)}${state.zonesKey ? `?zones_for=${state.zonesKey}` : ""}`);
  const entry = [...$("scenario-select").options].find((o) => o.value === ref);
  state.ref = ref;
  state.kind = entry ? entry.dataset.kind : "file";
  state.openedSha = view.sha256;
  applyView(view);
}

async function loadScenarioList(selected) {
  const list = await api("GET", "/api/scenarios");
  $("scenario-select").replaceChildren(
    ...list.map((s) => h("option", { value: s.ref, selected: s.ref === selected, dataset: { kind: s.kind } }, s.kind === "builtin" ? `${s.ref} (built in)` : s.ref)),
  );
}

async function save(name, expected) {
  const res = await api("PUT", `/api/scenarios/${encodeURIComponent(name)}`, { text: state.text, expected_sha256: expected });
  await loadScenarioList(name);
  state.ref = name;
  state.kind = "file";
  state.openedSha = res.sha256;
  $("dirty").hidden = true;
  $("save-button").disabled = true;
  $("doc-name").textContent = name;
  setStatus(`saved ${name} (${res.bytes} bytes)`);
}

// ------------------------------------------------------------------------------------- jobs

const followed = new Map();

function jobCard(job) {
  const card = h("div", { class: "job", id: `job-${job.id}`, dataset: { state: job.state } });
  updateJobCard(card, job);
  return card;
}

function updateJobCard(card, job) {
  card.dataset.state = job.state;
  const pct = job.total ? job.done / job.total : 0;
  const parts = [
    h("div", {}, h("b", {}, job.label), " — ", h("span", { class: `state state-${job.state}` }, job.state)),
    job.state === "running" || job.state === "queued"
      ? h("div", {}, h("progress", { value: pct, max: 1 }), h("span", { class: "stage" }, `${job.stage || "waiting"} ${job.done}/${job.total}`),
        h("button", { type: "button", class: "cancel", onclick: () => api("POST", `/api/jobs/${job.id}/cancel`).catch((e) => setStatus(e.message, true)) }, "Cancel"))
      : null,
    job.message ? h("div", { class: "err" }, job.message) : null,
  ];
  if (job.state === "done" && (job.kind === "sweep" || job.kind === "sensitivity")) {
    parts.push(h("div", {}, `${(job.result.run_ids || []).length} runs in the store `,
      h("button", { type: "button", class: "show-study", onclick: () => { studies.show(job); showTab("studies"); } }, "show the chart")));
  } else if (job.state === "done") {
    const rows = (job.result.table || []).slice(0, 8);
    const first = (job.result.run_ids || [])[0];
    if (first) parts.push(h("button", { type: "button", class: "replay-run", onclick: () => openReplay(first, 0) }, "replay replication 0"));
    parts.push(
      h("table", { class: "result" },
        h("tr", {}, h("th", {}, "metric"), h("th", {}, "mean"), h("th", {}, "95 % interval")),
        ...rows.map((r) => h("tr", { dataset: { metric: r.metric } }, h("td", {}, r.metric), h("td", {}, fmt(r.mean)), h("td", {}, `${fmt(r.ci95_low)} … ${fmt(r.ci95_high)}`)))),
      h("div", {}, `run ${(job.result.run_ids || []).join(", ")} in the store`,
        job.result.report ? h("span", {}, " · ", h("a", { href: `/api/jobs/${job.id}/report`, target: "_blank", rel: "noopener", class: "report-link" }, "briefing report")) : null,
        job.result.summary ? h("span", {}, " · ", h("a", { href: `/api/jobs/${job.id}/summary`, target: "_blank", rel: "noopener" }, "summary.json")) : null),
    );
  }
  card.replaceChildren(...parts.filter(Boolean));
}

const FINISHED = ["done", "failed", "cancelled", "interrupted"];

// Follow a job: its card in the Jobs tab (and in ``extra``, a box of another tab, if given)
// follows its server-sent events; ``onEnd(job)`` is called once when it ends.
function follow(job, onEnd, extra) {
  const list = $("job-list");
  let card = document.getElementById(`job-${job.id}`);
  if (!card) {
    card = jobCard(job);
    list.prepend(card);
  }
  const mirror = extra ? jobCard(job) : null;
  if (mirror) {
    mirror.id = `job-${job.id}-${extra.id}`;
    extra.replaceChildren(mirror);
  }
  if (FINISHED.includes(job.state) || followed.has(job.id)) {
    if (onEnd && FINISHED.includes(job.state)) onEnd(job);
    return;
  }
  const es = new EventSource(`/api/jobs/${job.id}/events`);
  followed.set(job.id, es);
  es.addEventListener("job", (e) => {
    const j = JSON.parse(e.data);
    updateJobCard(card, j);
    if (mirror) updateJobCard(mirror, j);
    if (FINISHED.includes(j.state)) {
      es.close();
      followed.delete(job.id);
      if (j.state === "done") refreshRuns().catch((err) => setStatus(err.message, true));
      if (onEnd) onEnd(j);
    }
  });
}

// Start a job on the scenario as shown (its text, saved or not); the job as the server took it.
async function submitJob(body, onEnd, extra) {
  const job = await api("POST", "/api/jobs", { ref: state.ref, text: state.text, ...body });
  follow(job, onEnd, extra);
  return job;
}

function openReplay(runId, rep) {
  showTab("replay");
  replay.load(runId, rep).catch((e) => setStatus(e.message, true));
}

async function startJob(ev) {
  ev.preventDefault();
  $("job-error").textContent = "";
  const raid = $("job-raid").value.trim();
  try {
    await submitJob({
      kind: $("job-kind").value,
      runs: parseInt($("job-runs").value, 10), seed: parseInt($("job-seed").value, 10),
      sweep_runs: parseInt($("job-sweep").value || "0", 10), raid: raid || null,
    });
  } catch (err) {
    $("job-error").textContent = err.message;
  }
}

// ------------------------------------------------------------------------------------- runs

const chosen = { a: null, b: null };

async function refreshRuns() {
  const runs = await api("GET", "/api/runs");
  const pick = (which, id) => h("input", {
    type: "radio", name: `run-${which}`, value: id, checked: chosen[which] === id, "aria-label": `${which.toUpperCase()} ${id}`,
    onchange: () => { chosen[which] = id; $("runs-compare").disabled = !(chosen.a && chosen.b); },
  });
  $("runs-list").replaceChildren(
    runs.length === 0 ? h("p", { class: "hint" }, "No runs in the store yet: start a job.") : h("table", {},
      h("tr", {}, ...["A", "B", "run", "kind", "scenario", "raid", "reps", "status", "made", ""].map((c) => h("th", {}, c))),
      ...runs.map((r) => h("tr", { dataset: { run: r.run_id, status: r.status } },
        h("td", {}, pick("a", r.run_id)), h("td", {}, pick("b", r.run_id)),
        h("td", {}, r.run_id), h("td", {}, r.kind), h("td", {}, r.scenario_origin), h("td", {}, r.raid),
        h("td", {}, `${r.stored}/${r.replications}`), h("td", { class: `status-${r.status}` }, r.status),
        h("td", {}, (r.created_at || "").slice(0, 16).replace("T", " ")),
        h("td", {}, h("button", { type: "button", class: "replay-run", title: "replay replication 0 of this run", onclick: () => openReplay(r.run_id, 0) }, "replay"))))),
  );
  replay.setRuns(runs);
}

async function compareRuns() {
  const c = await api("GET", `/api/runs/compare?a=${encodeURIComponent(chosen.a)}&b=${encodeURIComponent(chosen.b)}`);
  const rows = $("runs-all").checked ? c.rows : c.rows.slice(0, 17);
  const cell = (mean, lo, hi) => h("td", {}, fmt(mean), h("br"), h("small", {}, `[${fmt(lo)}, ${fmt(hi)}]`));
  $("runs-comparison").replaceChildren(
    h("h2", {}, `B (${c.b.run_id}) against A (${c.a.run_id})`),
    h("p", { class: "hint" }, c.paired
      ? `Paired by seed (${c.pairs} common replications): the interval is that of the mean paired difference.`
      : "Independent runs: Welch's interval for the difference of the means."),
    h("p", { class: "hint" }, "Each cell: the mean over the replications and its 95 % interval."),
    h("table", { id: "comparison" },
      h("tr", {}, ...["metric", "A", "B", "B − A"].map((t) => h("th", {}, t))),
      ...rows.map((r) => h("tr", { dataset: { metric: r.metric } },
        h("td", {}, r.metric),
        cell(r.mean_a, r.ci95_low_a, r.ci95_high_a),
        cell(r.mean_b, r.ci95_low_b, r.ci95_high_b),
        cell(r.difference, r.difference_low, r.difference_high)))),
  );
}

// ------------------------------------------------------------------------------------ start

function showTab(name) {
  for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === name);
  for (const s of document.querySelectorAll(".tab")) s.hidden = s.id !== `tab-${name}`;
  document.body.dataset.tab = name;
  if (name === "runs" || name === "replay") refreshRuns().catch((e) => setStatus(e.message, true));
  replay.activate(name === "replay");
  if (name === "record") record.activate().catch((e) => setStatus(e.message, true));
}

async function main() {
  state.info = await api("GET", "/api/info");
  renderLegend();
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
  $("open-button").addEventListener("click", () => openScenario($("scenario-select").value).catch((e) => setStatus(e.message, true)));
  $("save-button").addEventListener("click", () => save(state.ref, state.openedSha).catch((e) => setStatus(e.message, true)));
  $("save-as-button").addEventListener("click", () => {
    const name = $("save-name").value.trim();
    if (!name) { setStatus("give a file name (NAME.yaml) to save as", true); return; }
    save(name.endsWith(".yaml") || name.endsWith(".yml") ? name : `${name}.yaml`, null).catch((e) => setStatus(e.message, true));
  });
  $("job-form").addEventListener("submit", startJob);
  $("runs-refresh").addEventListener("click", () => refreshRuns().catch((e) => setStatus(e.message, true)));
  $("runs-compare").addEventListener("click", () => compareRuns().catch((e) => setStatus(e.message, true)));
  $("runs-all").addEventListener("change", () => chosen.a && chosen.b && compareRuns().catch((e) => setStatus(e.message, true)));
  const countries = await api("GET", "/api/layers/countries");
  await initMap(countries);
  const shared = { map, maplibregl, setStatus, setPlanning, submitJob, openReplay, showTab, state };
  replay.init(shared);
  record.init(shared);
  studies.init(shared);
  const wanted = new URLSearchParams(location.hash.slice(1)).get("scenario") || "reference";
  await loadScenarioList(wanted);
  await openScenario(wanted);
  for (const job of (await api("GET", "/api/jobs")).reverse()) follow(job);
  document.body.dataset.ready = "1";
}

main().catch((err) => setStatus(`could not start: ${err.message}`, true));
