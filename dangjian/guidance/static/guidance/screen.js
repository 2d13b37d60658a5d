// The large screen's charts: each <div data-screen-chart="id" data-spec="{…}"> drawn from the JSON
// in its data-spec (not a json_script: htmx drops <script> elements from what it swaps in).
// htmx replaces the figures every minute (hx-trigger="every 60s"); the charts are drawn again
// from the new JSON after each swap. Canvas: a wall display, not a phone.
(function () {
  var charts = [];
  var text = "#e8eef6";
  var muted = "#8aa4c2";
  function option(spec) {
    var base = {
      backgroundColor: "transparent",
      title: { text: spec.title, left: "center", top: 8, textStyle: { color: text, fontSize: 28, fontWeight: "bold" } },
      tooltip: { renderMode: "richText" },
      textStyle: { color: text, fontSize: 20 },
    };
    var axisLabel = { color: text, fontSize: 20 };
    if (spec.type === "bars") {
      base.legend = { bottom: 4, textStyle: { color: text, fontSize: 20 } };
      base.grid = { left: 16, right: 40, top: 70, bottom: 50, containLabel: true };
      base.yAxis = { type: "category", inverse: true, data: spec.categories, axisLabel: axisLabel };
      base.xAxis = { type: "value", minInterval: 1, axisLabel: { color: muted, fontSize: 18 }, splitLine: { lineStyle: { color: "#27507f" } } };
      var colors = ["#e23b3b", "#5b6b80"];
      base.series = spec.series.map(function (s, i) {
        return { name: s.name, type: "bar", stack: "all", data: s.data, itemStyle: { color: colors[i % 2] },
                 label: { show: i === 0, color: "#fff", fontSize: 18 } };
      });
    } else if (spec.type === "percent") {
      base.grid = { left: 16, right: 70, top: 70, bottom: 20, containLabel: true };
      base.yAxis = { type: "category", inverse: true, data: spec.categories, axisLabel: axisLabel };
      base.xAxis = { type: "value", max: 100, axisLabel: { color: muted, fontSize: 18 }, splitLine: { lineStyle: { color: "#27507f" } } };
      base.series = [{ type: "bar", data: spec.data, itemStyle: { color: "#ffb547" },
                       label: { show: true, position: "right", color: text, fontSize: 20, formatter: "{c}%" } }];
    } else if (spec.type === "funnel") {
      base.series = [{ type: "funnel", top: 80, bottom: 20, left: "10%", width: "80%", sort: "none", data: spec.data,
                       label: { color: "#fff", fontSize: 22, formatter: "{b}  {c}" },
                       itemStyle: { borderColor: "#0b1a2e" },
                       color: ["#ffd88a", "#ffb547", "#f07a3a", "#e23b3b"] }];
    }
    return base;
  }
  function draw() {
    if (!window.echarts) return;
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    document.querySelectorAll("[data-screen-chart]").forEach(function (el) {
      var spec = JSON.parse(el.dataset.spec);
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.on("finished", function () { el.setAttribute("data-drawn", "true"); });
      chart.setOption(option(spec));
      charts.push(chart);
    });
  }
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.target && e.target.id === "screen-figures") draw();
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
