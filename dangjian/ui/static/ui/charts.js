// Draws every <div class="chart" data-chart-id="..."> from the JSON in the matching
// <script type="application/json" id="..."> (json_script). No inline scripts: the data is plain
// JSON, which the Content-Security-Policy lets through because it is never executed. A chart in
// a part htmx swaps in carries its JSON in data-chart-spec instead (htmx drops <script>s from
// what it swaps in), and is drawn when it arrives (htmx:load).
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
    } else if (spec.type === "lines") {
      lines(spec, base, tooltip);
    } else if (spec.type === "event") {
      event(spec, base, tooltip);
    }
    return base;
  }
  function fixed(value, decimals) {
    return value === null || value === undefined ? "—" : Number(value).toLocaleString(undefined, {
      minimumFractionDigits: decimals, maximumFractionDigits: decimals }).replace("-", "−");
  }
  // "lines": a figure by month. Quarters are shaded in turn (markArea), with their short names;
  // a vertical dashed line marks where coverage began (spec.marks); a null is a gap (no figure,
  // or a pay figure withheld), never a zero; spec.share, the share of teams covered, is a second
  // line on a 0–100 % axis.
  function lines(spec, base, tooltip) {
    var unit = spec.unit ? " " + spec.unit : "";
    tooltip.trigger = "axis";
    base.legend = { bottom: 0, type: "scroll" };
    base.grid = { left: 24, right: 24, top: 64, bottom: 40, containLabel: true };
    base.xAxis = { type: "category", data: spec.categories, axisLabel: { hideOverlap: true } };
    base.yAxis = [{ type: "value", scale: true, axisLabel: { formatter: function (v) { return fixed(v, 0); } } }];
    var bands = (spec.quarters || []).map(function (q, i) {
      return [{ xAxis: q.from, name: q.label, itemStyle: { color: i % 2 ? "rgba(0, 0, 0, 0)" : "rgba(32, 107, 196, 0.07)" } },
              { xAxis: q.to }];
    });
    var first = {
      name: spec.series[0].name, type: "line", data: spec.series[0].data, connectNulls: false, symbolSize: 5,
      itemStyle: { color: "#c8102e" },
      tooltip: { valueFormatter: function (v) { return fixed(v, spec.decimals) + (v === null || v === undefined ? "" : unit); } },
      markArea: { silent: true, label: { position: "insideTop", fontSize: 10, color: "#667382" }, data: bands },
    };
    if (spec.marks && spec.marks.length) {
      first.markLine = {
        silent: true, symbol: "none", lineStyle: { color: "#c8102e", type: "dashed" },
        label: { formatter: "{b}", position: "end", fontSize: 11, color: "#c8102e" },
        data: spec.marks.map(function (m) { return { xAxis: m.at, name: m.label }; }),
      };
    }
    base.series = [first];
    if (spec.share) {
      base.yAxis.push({ type: "value", min: 0, max: 100, splitLine: { show: false }, axisLabel: { formatter: "{value}%" } });
      base.series.push({
        name: spec.share.name, type: "line", yAxisIndex: 1, data: spec.share.data, step: "end", symbol: "none",
        lineStyle: { type: "dashed", width: 1.5 }, itemStyle: { color: "#206bc4" },
        tooltip: { valueFormatter: function (v) { return v === null || v === undefined ? "—" : fixed(v, 0) + "%"; } },
      });
    }
  }
  // "event": the difference by month from the start of coverage (0), with its 95% range as a band
  // (a transparent base at the low end, the width stacked on it), a zero line, and the start marked.
  function event(spec, base, tooltip) {
    var unit = spec.unit ? " " + spec.unit : "";
    tooltip.trigger = "axis";
    tooltip.formatter = function (params) {
      var i = params[0].dataIndex;
      if (spec.estimate[i] === null) return spec.categories[i];
      return spec.labels.axis + ": " + spec.categories[i] + "\n" + spec.labels.estimate + ": " +
        fixed(spec.estimate[i], spec.decimals) + unit + "\n" + spec.labels.range + ": " +
        fixed(spec.low[i], spec.decimals) + " … " + fixed(spec.high[i], spec.decimals);
    };
    base.legend = { bottom: 0, data: [spec.labels.estimate, spec.labels.range] };
    base.grid = { left: 10, right: 24, top: spec.title ? 50 : 30, bottom: 60, containLabel: true };
    base.xAxis = { type: "category", data: spec.categories, name: spec.labels.axis, nameLocation: "middle", nameGap: 26 };
    base.yAxis = { type: "value", scale: true, name: spec.unit, nameTextStyle: { align: "left" } };
    var width = spec.high.map(function (h, i) { return h === null || spec.low[i] === null ? null : h - spec.low[i]; });
    base.series = [
      { name: "low", type: "line", data: spec.low, stack: "range", stackStrategy: "all", symbol: "none",
        lineStyle: { opacity: 0 }, silent: true },
      { name: spec.labels.range, type: "line", data: width, stack: "range", stackStrategy: "all", symbol: "none",
        lineStyle: { opacity: 0 }, areaStyle: { color: "rgba(200, 16, 46, 0.15)" }, itemStyle: { color: "rgba(200, 16, 46, 0.3)" }, silent: true },
      { name: spec.labels.estimate, type: "line", data: spec.estimate, symbolSize: 7, itemStyle: { color: "#c8102e" },
        markLine: { silent: true, symbol: "none", label: { formatter: "{b}", position: "insideEndTop", fontSize: 11 },
                    data: [{ yAxis: 0, name: "0", lineStyle: { color: "#667382" } },
                           { xAxis: spec.start, name: spec.labels.start, lineStyle: { color: "#c8102e", type: "dashed" } }] } },
    ];
  }
  function drawOne(el) {
    if (el.getAttribute("data-chart-ready")) return;
    var source = el.dataset.chartSpec || document.getElementById(el.dataset.chartId).textContent;
    var chart = echarts.init(el, null, { renderer: "svg" });
    el.setAttribute("data-chart-ready", "true");
    // data-drawn marks a chart whose first paint (animation included) is done.
    chart.on("finished", function () { el.setAttribute("data-drawn", "true"); });
    chart.setOption(option(JSON.parse(source)));
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function draw(root) {
    if (!window.echarts) return;
    var scope = root && root.querySelectorAll ? root : document;
    var found = Array.prototype.slice.call(scope.querySelectorAll("[data-chart-id], [data-chart-spec]"));
    if (scope.matches && scope.matches("[data-chart-id], [data-chart-spec]")) found.push(scope);
    found.forEach(drawOne);
  }
  document.addEventListener("htmx:load", function (event) { draw(event.detail.elt); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { draw(document); }); else draw(document);
})();
