// Draw the dashboard charts from the JSON next to them (json_script); the table after
// each chart holds the same numbers for screen readers, printing and export.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") { return; }
  var palette = ["#1d5fa8", "#b3261e", "#2e7d32", "#8e24aa"];
  // On a phone a long category name would push the bars off the canvas: cut it (the
  // table after the chart has it whole).
  var limit = window.matchMedia("(max-width: 640px)").matches ? 18 : 48;
  function shortLabel(value) {
    var text = String(this.getLabelForValue(value));
    return text.length > limit ? text.slice(0, limit - 1) + "…" : text;
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var horizontal = spec.horizontal;
    if (horizontal) { canvas.closest(".chart").classList.add("chart-tall-" + Math.min(4, Math.ceil(spec.labels.length / 6))); }
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: palette[i % palette.length],
                   borderColor: palette[i % palette.length], spanGaps: true };
        })
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { beginAtZero: true },
          y: { beginAtZero: spec.type !== "line", ticks: horizontal ? { callback: shortLabel } : {} }
        }
      }
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
