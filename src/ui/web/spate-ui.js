/* spate-ui.js - what the UI's pages share: REST calls, uPlot charts, tables,
 * and a refresh loop (the pages update every second without a reload).
 * Each chart's element carries data-points (the points drawn) and the body
 * data-updates (the refreshes done), which the browser test reads. */
"use strict";
const SpateUI = (() => {
  const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

  async function json(path) {
    const r = await fetch(path, { cache: "no-store" });
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r.json();
  }

  async function appId() {
    const apps = await json("/api/v1/applications");
    return apps[0].id;
  }

  /* A REST date ("...T...GMT") or an ISO one ("...Z") in seconds. */
  function secs(date) {
    return Date.parse(date.replace(/GMT$/, "Z")) / 1000;
  }

  /* A time-series chart in el with one line per name. */
  function chart(el, title, unit, names) {
    const opts = {
      title, width: 560, height: 220,
      scales: { x: { time: true } },
      axes: [{}, { label: unit, size: 70 }],
      series: [{}].concat(names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length], width: 1.5 }))),
    };
    const u = new uPlot(opts, [[]].concat(names.map(() => [])), el);
    el.dataset.points = "0";
    return {
      set(cols) {
        u.setData(cols);
        el.dataset.points = String(cols[0].length);
      },
    };
  }

  /* A histogram in el: the values counted in 10 buckets over their range
   * (Spark's timeline-and-histogram pairs). */
  function histogram(el, title, unit) {
    const opts = {
      title, width: 360, height: 220,
      scales: { x: { time: false } },
      axes: [{ label: unit }, { label: "batches", size: 50 }],
      series: [{}, { label: "batches", fill: "#1f77b466", stroke: COLORS[0],
        paths: uPlot.paths.bars({ size: [0.9] }), points: { show: false } }],
    };
    const u = new uPlot(opts, [[], []], el);
    el.dataset.points = "0";
    return {
      set(values) {
        const v = values.filter((x) => x !== null && x !== undefined);
        if (!v.length) return;
        const lo = Math.min(...v), hi = Math.max(...v), n = 10;
        const w = hi > lo ? (hi - lo) / n : 1;
        const counts = new Array(n).fill(0);
        for (const x of v) counts[Math.min(n - 1, Math.floor((x - lo) / w))]++;
        u.setData([counts.map((_, i) => lo + (i + 0.5) * w), counts]);
        el.dataset.points = String(v.length);
      },
    };
  }

  function esc(s) {
    return String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  }

  function ms(v) {
    if (v === undefined || v === null) return "-";
    return v < 1000 ? `${v} ms` : `${(v / 1000).toFixed(1)} s`;
  }

  function rows(tbody, data) {
    tbody.innerHTML = data.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
  }

  function every(period, fn) {
    const tick = async () => {
      try {
        await fn();
        document.getElementById("error").textContent = "";
        document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
      } catch (e) {
        document.getElementById("error").textContent = String(e);
      }
      setTimeout(tick, period);
    };
    tick();
  }

  return { json, appId, secs, chart, histogram, esc, ms, rows, every };
})();
