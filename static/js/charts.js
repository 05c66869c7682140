// Draws every chart on the page from its JSON spec (json_script), offline.
// Maps read their topojson from this site: the URL is on <body data-topojson>.
(function () {
  "use strict";
  const topojsonURL = document.body.dataset.topojson;
  for (const el of document.querySelectorAll("[data-chart]")) {
    const spec = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    const config = Object.assign(
      {
        responsive: true,
        displaylogo: false,
        topojsonURL: topojsonURL,
        toImageButtonOptions: { filename: el.dataset.chart },
      },
      spec.config || {}
    );
    Plotly.newPlot(el, spec.data, spec.layout || {}, config);
  }
})();
