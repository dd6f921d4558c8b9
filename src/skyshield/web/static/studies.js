// Studies on the scenario shown, as jobs with progress: a sweep of one field (the coalition's
// size by default: a sizing curve) and the sensitivity of a metric to every key assumption
// (a tornado).  Their runs land in the store; their results are drawn as charts.
import { PALETTE, intervalLines, tornado } from "/static/charts.js";
import { $, fmt, h } from "/static/util.js";

let ctx = null;
let sweepResult = null;

function value(text) {
  const v = text.trim();
  return v !== "" && Number.isFinite(Number(v)) ? Number(v) : v;
}

function drawSweep() {
  const res = sweepResult;
  const metric = $("sweep-metric").value || res.metrics[0];
  const key = `set:${res.path}`;
  const rows = res.table;
  const x = rows.map((r) => r[key]);
  $("sweep-chart").replaceChildren(intervalLines({
    title: `${metric}: mean and 95 % interval at each point`, x, xLabel: res.path,
    series: [{
      name: metric, color: PALETTE[0], mean: rows.map((r) => r[metric]),
      low: rows.map((r) => r[`${metric}.low`]), high: rows.map((r) => r[`${metric}.high`]), runs: rows.map((r) => r.run_id),
    }],
    yLabel: metric,
  }));
  const cell = (r, m) => {
    const lo = r[`${m}.low`], hi = r[`${m}.high`];
    return h("td", {}, fmt(r[m]), lo !== null && hi !== null && lo !== undefined ? h("small", {}, h("br"), `[${fmt(lo)}, ${fmt(hi)}]`) : null);
  };
  $("sweep-table").replaceChildren(h("table", { class: "sweep-table" },
    h("tr", {}, h("th", {}, res.path), ...rows.map((r) => h("th", {}, String(r[key])))),
    ...res.metrics.map((m) => h("tr", { dataset: { metric: m } }, h("td", {}, m), ...rows.map((r) => cell(r, m)))),
    h("tr", {}, h("td", {}, "run"), ...rows.map((r) => h("td", {}, r.run_id)))));
}

function showSweep(job) {
  sweepResult = job.result;
  const was = $("sweep-metric").value;
  $("sweep-metric").replaceChildren(...job.result.metrics.map((m) => h("option", { value: m, selected: m === (was || "shield.hits_on_assets") }, m)));
  $("sweep-result").hidden = false;
  $("sweep-result-title").textContent = job.label;
  drawSweep();
}

function showTornado(job) {
  const res = job.result;
  const base = res.table.length ? res.table[0].base : null;
  const rows = res.table.map((r) => ({
    factor: r.factor, label: r.label || r.factor, low: r.delta_low, high: r.delta_high,
    lowCi: [r["delta_low.low"], r["delta_low.high"]], highCi: [r["delta_high.low"], r["delta_high.high"]],
    lowText: `${r.low_value} → ${fmt(r.low)}`, highText: `${r.high_value} → ${fmt(r.high)}`,
  }));
  $("tornado-result").replaceChildren(
    h("h3", {}, job.label),
    tornado({ title: `change in ${res.metric} from the base case (${fmt(base)}), factor by factor`, rows, xLabel: `change in ${res.metric}` }),
    h("p", { class: "hint" }, `Each factor at its low and its high value, everything else at the base case, on the base case's seeds (paired differences). Base case run ${res.base_run}.`),
  );
}

// Show a finished study job's result (from the Jobs tab, or when it ends).
export function show(job) {
  if (job.state !== "done") return;
  if (job.kind === "sweep") showSweep(job);
  else if (job.kind === "sensitivity") showTornado(job);
}

async function startSweep(ev) {
  ev.preventDefault();
  $("sweep-error").textContent = "";
  const path = $("sweep-path").value || $("sweep-other").value.trim();
  const values = $("sweep-values").value.split(",").map(value).filter((v) => v !== "");
  try {
    await ctx.submitJob({
      kind: "sweep", set_path: path, set_values: values,
      runs: parseInt($("sweep-runs").value, 10), seed: parseInt($("sweep-seed").value || "1", 10),
    }, show, $("sweep-job"));
  } catch (err) {
    $("sweep-error").textContent = err.message;
  }
}

async function startTornado(ev) {
  ev.preventDefault();
  $("tornado-error").textContent = "";
  try {
    await ctx.submitJob({
      kind: "sensitivity", metric: $("tornado-metric").value,
      runs: parseInt($("tornado-runs").value, 10), seed: parseInt($("tornado-seed").value || "1", 10),
    }, show, $("tornado-job"));
  } catch (err) {
    $("tornado-error").textContent = err.message;
  }
}

export function init(shared) {
  ctx = shared;
  $("sweep-form").addEventListener("submit", startSweep);
  $("tornado-form").addEventListener("submit", startTornado);
  $("sweep-metric").addEventListener("change", () => sweepResult && drawSweep());
  $("sweep-path").addEventListener("change", (e) => { $("sweep-other").hidden = e.target.value !== ""; });
}
