// Draws every <canvas data-chart="name"> from the JSON the page carries (id "analytics-charts").
// The labels arrive translated from the server; Chart.js only draws.
(function () {
  "use strict";
  var palette = ["#2f6fde", "#e0883b", "#2e9e6b", "#c2454e", "#8a5cc7", "#8b8f97", "#d4b13f", "#3fb5c9",
                 "#b56a3f", "#5b7a99", "#9cc24a", "#d46fa8", "#4b4f56"];

  function colour(type, dataset, index) {
    if (type === "doughnut") { return dataset.data.map(function (_v, i) { return palette[i % palette.length]; }); }
    return palette[index % palette.length];
  }

  function draw() {
    var source = document.getElementById("analytics-charts");
    if (!source || typeof Chart === "undefined") { return; }
    var charts = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = charts[canvas.dataset.chart];
      if (!spec) { return; }
      var datasets = spec.datasets.map(function (dataset, index) {
        var fill = colour(dataset.type || spec.type, dataset, index);
        return Object.assign({backgroundColor: fill, borderColor: fill, spanGaps: true, pointRadius: 0}, dataset);
      });
      var existing = Chart.getChart(canvas);
      if (existing) { existing.destroy(); }
      new Chart(canvas, {
        type: spec.type,
        data: {labels: spec.labels, datasets: datasets},
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          plugins: {legend: {display: true, position: "bottom"}},
          scales: spec.type === "doughnut" ? {} : {x: {ticks: {autoSkip: true, maxTicksLimit: 14}}}
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
