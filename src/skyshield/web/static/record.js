// The record explorer: the record of attacks (as the store uses it) as charts by period and
// class, filtered by dates and classes; the largest nights, each of which can be replayed
// against the scenario shown (a Monte Carlo job of that night, baseline and shield).
// The summary's measures are not known in advance: every count column the server sends is
// offered (launched, destroyed, not reached, and whatever the record's summary adds).
import { PALETTE, intervalLines, stackedBars } from "/static/charts.js";
import { $, api, fmt, h } from "/static/util.js";

//: Stacks drawn at most; the rest is added up as "other".
const STACKS = 7;

let ctx = null;
let info = null;
let summary = null;
const chosen = new Set();

function label(name) { return name.replaceAll("_", " "); }

function query(extra = {}) {
  const q = new URLSearchParams();
  if ($("record-start").value) q.set("start", $("record-start").value);
  if ($("record-end").value) q.set("end", $("record-end").value);
  if (chosen.size) q.set("classes", [...chosen].sort().join(","));
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}

function measures() {
  return summary.columns.filter((c) => c.kind === "count" && c.name !== "rows" && !c.name.endsWith("_known")).map((c) => c.name);
}

function drawCharts() {
  const data = summary.data;
  const periods = [...new Set(data.period)];
  const index = new Map(periods.map((p, i) => [p, i]));
  const key = $("record-stack").value;
  const measure = $("record-measure").value || "launched";
  const totals = new Map();
  data[key].forEach((k, r) => totals.set(k, (totals.get(k) || 0) + (data[measure][r] || 0)));
  const top = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, STACKS).map(([k]) => k);
  const names = [...top, ...(totals.size > top.length ? ["other"] : [])];
  const series = names.map((n, i) => ({ name: n || "unmapped", color: PALETTE[i % PALETTE.length], values: new Array(periods.length).fill(0) }));
  data[key].forEach((k, r) => {
    const s = top.includes(k) ? top.indexOf(k) : names.length - 1;
    series[s].values[index.get(data.period[r])] += data[measure][r] || 0;
  });
  const by = summary.by;
  $("record-chart").replaceChildren(stackedBars({
    title: `${label(measure)} by ${by} and ${key === "class_key" ? "class" : "category"}`,
    categories: periods.map((p) => (by === "month" ? p.slice(0, 7) : p)),
    series, yLabel: `weapons ${label(measure)}`,
  }));
  const ms = measures();
  const lines = ms.map((m, i) => {
    const v = new Array(periods.length).fill(0);
    data[m].forEach((x, r) => { v[index.get(data.period[r])] += x || 0; });
    return { name: label(m), color: PALETTE[i % PALETTE.length], mean: v };
  });
  $("record-measures-chart").replaceChildren(intervalLines({
    title: `every measure of the record by ${by}, all classes shown`,
    x: periods.map((p) => (by === "month" ? p.slice(0, 7) : p)), series: lines, yLabel: "weapons",
  }));
  $("record-chart").dataset.bars = String($("record-chart").querySelectorAll("rect.bar").length);
}

async function loadSummary() {
  summary = await api("GET", `/api/record/summary?${query({ by: $("record-by").value })}`);
  const ms = measures();
  const was = $("record-measure").value;
  $("record-measure").replaceChildren(...ms.map((m) => h("option", { value: m, selected: m === (was || "launched") }, label(m))));
  drawCharts();
}

async function loadNights() {
  const res = await api("GET", `/api/record/nights?${query({ top: 15 })}`);
  const cols = res.columns.filter((c) => c.name !== "rows" && !c.name.endsWith("_known"));
  $("record-nights").replaceChildren(
    res.rows.length === 0 ? h("p", { class: "hint" }, "No night in the record matches.") : h("table", { id: "largest-nights" },
      h("tr", {}, ...cols.map((c) => h("th", {}, label(c.name))), h("th", {}, "")),
      ...res.rows.map((r) => h("tr", { dataset: { night: r.night } },
        ...cols.map((c) => h("td", { class: c.kind === "text" ? "text" : "" }, c.kind === "count" ? fmt(r[c.name], 0) : r[c.name])),
        h("td", {}, h("button", { type: "button", class: "replay-night", title: "replay this night against the scenario shown: baseline and shield", onclick: () => replayNight(r.night) }, "replay"))))),
  );
}

async function replayNight(night) {
  const runs = parseInt($("record-runs").value || "1", 10);
  await ctx.submitJob({ kind: "mc", raid: night, runs, seed: 1 }, (job) => {
    if (job.state === "done" && job.result.run_ids && job.result.run_ids.length) ctx.openReplay(job.result.run_ids[0], 0);
  }, $("record-job"));
}

async function refresh() {
  await Promise.all([loadSummary(), loadNights()]);
  const n = chosen.size;
  $("record-classes-summary").textContent = n ? `classes: ${[...chosen].sort().join(", ")}` : "classes: all";
  document.body.dataset.record = String(Number(document.body.dataset.record || 0) + 1);
}

function renderClasses() {
  $("record-classes").replaceChildren(...info.classes.map((c) => h("label", { class: "check" },
    h("input", {
      type: "checkbox", value: c.class_key, checked: chosen.has(c.class_key), dataset: { class: c.class_key },
      onchange: (e) => { if (e.target.checked) chosen.add(c.class_key); else chosen.delete(c.class_key); refresh().catch(fail); },
    }),
    `${c.class_key} (${c.category}, ${fmt(c.launched, 0)})`)));
}

function fail(e) { $("record-error").textContent = e.message; }

// Load the record the first time the tab is shown.
export async function activate() {
  if (info) return;
  info = await api("GET", "/api/record");
  $("record-source").textContent = `${info.description}: ${fmt(info.rows, 0)} rows, ${fmt(info.nights, 0)} nights from ${info.first} to ${info.last}.`;
  $("record-start").min = $("record-end").min = info.first;
  $("record-start").max = $("record-end").max = info.last;
  renderClasses();
  await refresh();
}

export function init(shared) {
  ctx = shared;
  for (const id of ["record-start", "record-end", "record-by"]) {
    $(id).addEventListener("change", () => { $("record-error").textContent = ""; refresh().catch(fail); });
  }
  for (const id of ["record-stack", "record-measure"]) $(id).addEventListener("change", () => summary && drawCharts());
  $("record-all").addEventListener("click", () => { chosen.clear(); renderClasses(); refresh().catch(fail); });
}
