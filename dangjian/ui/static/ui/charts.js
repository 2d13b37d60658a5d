// Draws every <div class="chart" data-chart-id="..."> from the JSON in the matching
// <script type="application/json" id="..."> (json_script). No inline scripts: the data is plain
// JSON, which the Content-Security-Policy lets through because it is never executed.
// SVG, not canvas: ECharts recommends it for phones (less memory, crisp at any zoom).
// Tooltips are drawn in the chart ("richText"): ECharts' HTML tooltips carry style attributes,
// which the policy refuses.
(function () {
  function option(spec) {
    var tooltip = { renderMode: "richText" };
    var base = { title: { text: spec.title, left: "center", textStyle: { fontSize: 14 } }, tooltip: tooltip };
    if (spec.type === "pie") {
      tooltip.trigger = "item";
      base.series = [{ type: "pie", radius: ["35%", "65%"], top: 30, data: spec.data, label: { formatter: "{b}: {c}" } }];
    } else if (spec.type === "bar") {
      // Horizontal bars: long category names stay readable on a 360-px phone.
      base.grid = { left: 10, right: 30, top: 40, bottom: 10, containLabel: true };
      base.yAxis = { type: "category", inverse: true, data: spec.data.map(function (d) { return d.name; }) };
      base.xAxis = { type: "value", minInterval: 1 };
      base.series = [{ type: "bar", data: spec.data.map(function (d) { return d.value; }), itemStyle: { color: "#c8102e" },
                       label: { show: true, position: "right" } }];
    } else if (spec.type === "stacked_bar") {
      tooltip.trigger = "axis";
      base.legend = { bottom: 0 };
      base.grid = { left: 40, right: 10, top: 40, bottom: 70, containLabel: true };
      base.xAxis = { type: "category", data: spec.categories, axisLabel: { interval: 0, rotate: spec.categories.length > 4 ? 30 : 0 } };
      base.yAxis = { type: "value", minInterval: 1 };
      var colors = ["#c8102e", "#adb5bd", "#f59f00"];
      base.series = spec.series.map(function (s, i) {
        return { name: s.name, type: "bar", stack: "total", data: s.data, itemStyle: { color: colors[i % colors.length] } };
      });
    }
    return base;
  }
  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart-id]").forEach(function (el) {
      var spec = JSON.parse(document.getElementById(el.dataset.chartId).textContent);
      var chart = echarts.init(el, null, { renderer: "svg" });
      // data-drawn marks a chart whose first paint (animation included) is done.
      chart.on("finished", function () { el.setAttribute("data-drawn", "true"); });
      chart.setOption(option(spec));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
