// Draws every chart on the page from its JSON spec (json_script), offline.
// Maps read their topojson from this site: the URL is on <body data-topojson>.
//
// The specs (charts.py) are drawn for a wide screen; what depends on the
// width a chart actually gets is decided here, and again when it changes:
// - the title wraps to lines that fit beside Plotly's toolbar (the modebar,
//   top right), so the toolbar never covers it, and the chart grows by the
//   room the extra lines take;
// - a legend below the plot goes to the bottom of the chart, under the x
//   axis title, whatever the number of rows it wraps onto;
// - on a narrow chart (a phone), margins shrink to what the axes need, any
//   legend goes to the bottom too, a map takes the full width with its
//   colour bar turned into a legend below it, dragging is off so that a
//   finger scrolls the page, and the toolbar keeps only its PNG button.
// The drawing itself is hidden from screen readers: the figure's caption and
// data table (templates/includes/chart.html) stand for it, and the toolbar's
// buttons stay in the tab order.
(function () {
  "use strict";
  // Below this width (of the chart, in CSS px) the narrow layout applies.
  const NARROW = 600;
  // Between the title and the toolbar or the chart's edge, in px.
  const GAP = 8;
  // Plotly's spacing of <br>-separated lines, in ems of the font size.
  const LINE_HEIGHT = 1.3;
  // Plotly's default height, made explicit so that the title's room adds to it.
  const HEIGHT = 450;
  const topojsonURL = document.body.dataset.topojson;
  const measure = document.createElement("canvas").getContext("2d");
  const charts = [];

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function titleText(layout) {
    const title = layout.title;
    const text = typeof title === "string" ? title : title && title.text;
    if (!text) {
      return "";
    }
    return String(text)
      .replace(/<br\s*\/?>/gi, " ")
      .replace(/<[^>]*>/g, "");
  }

  function configFor(chart) {
    const config = Object.assign(
      {
        // Resizing is done here, below: a new width may need a new layout.
        responsive: false,
        displaylogo: false,
        topojsonURL: topojsonURL,
        toImageButtonOptions: { filename: chart.el.dataset.chart },
      },
      chart.spec.config || {}
    );
    if (chart.narrow && !config.staticPlot) {
      config.modeBarButtons = [["toImage"]];
    }
    return config;
  }

  // A colour bar whose ticks name flat colour steps (partner_status_map):
  // [[colour, label]], or null for a continuous scale.
  function colourSteps(trace) {
    const bar = trace.colorbar;
    const scale = trace.colorscale;
    if (!bar || trace.showscale === false || !Array.isArray(scale)) {
      return null;
    }
    if (!Array.isArray(bar.tickvals) || !Array.isArray(bar.ticktext)) {
      return null;
    }
    const z = (trace.z || []).filter((value) => typeof value === "number");
    const min = trace.zmin === undefined ? Math.min(...z) : trace.zmin;
    const max = trace.zmax === undefined ? Math.max(...z) : trace.zmax;
    if (!(max > min)) {
      return null;
    }
    return bar.tickvals.map((value, index) => {
      const position = (value - min) / (max - min);
      let colour = scale[0][1];
      for (const [stop, stopColour] of scale) {
        if (stop <= position) {
          colour = stopColour;
        }
      }
      return [colour, bar.ticktext[index]];
    });
  }

  function dataFor(chart) {
    const data = clone(chart.spec.data) || [];
    if (!chart.narrow) {
      return data;
    }
    const map = Boolean((chart.spec.layout || {}).geo);
    for (const trace of data) {
      if (colourSteps(trace)) {
        // Beside a map it leaves the map a thumbnail: colourLegend() lists
        // its steps below the chart instead.
        trace.showscale = false;
      } else if (map && trace.colorbar && trace.showscale !== false) {
        // A continuous scale: a bar across the width, right below the map,
        // its title above it.
        Object.assign(trace.colorbar, {
          orientation: "h",
          x: 0.5,
          xanchor: "center",
          y: 0,
          yanchor: "top",
          len: 0.9,
          lenmode: "fraction",
          thickness: 10,
          title: Object.assign({}, trace.colorbar.title, { side: "top" }),
        });
      }
    }
    return data;
  }

  function colourLegend(chart) {
    if (chart.legend) {
      chart.legend.remove();
      chart.legend = null;
    }
    if (!chart.narrow) {
      return;
    }
    for (const trace of chart.spec.data || []) {
      const steps = colourSteps(trace);
      if (steps) {
        const title = trace.colorbar.title;
        const list = document.createElement("ul");
        list.className = "chart-legend";
        list.setAttribute("aria-label", (title && title.text) || "Legend");
        for (const [colour, label] of steps) {
          const item = document.createElement("li");
          const swatch = document.createElement("span");
          swatch.className = "chart-legend-swatch";
          swatch.style.backgroundColor = colour;
          item.append(swatch, document.createTextNode(label));
          list.append(item);
        }
        chart.el.insertAdjacentElement("afterend", list);
        chart.legend = list;
        return;
      }
    }
  }

  function legendBelow(layout) {
    const legend = layout.legend || {};
    return legend.orientation === "h" && typeof legend.y === "number" && legend.y < 0;
  }

  function layoutFor(chart) {
    const layout = clone(chart.spec.layout) || {};
    if (layout.height === undefined) {
      layout.height = HEIGHT;
    }
    if (chart.width > 0) {
      // Plotly.react keeps the width it had: give it the one there is now.
      layout.width = chart.width;
    }
    if (chart.narrow) {
      const margin = layout.margin || {};
      layout.dragmode = false;
      layout.margin = {
        t: margin.t === undefined ? 50 : margin.t,
        b: Math.min(margin.b === undefined ? 40 : margin.b, 20),
        l: Math.min(margin.l === undefined ? 80 : margin.l, 10),
        r: Math.min(margin.r === undefined ? 80 : margin.r, 10),
      };
    }
    if (layout.geo && chart.narrow) {
      // A world map at full width is about half as high as it is wide;
      // fitted() adds the room of what goes below it.
      layout.margin.b = layout.margin.l = layout.margin.r = 0;
      layout.height = Math.round(layout.margin.t + chart.width * 0.52);
    }
    if (!layout.geo) {
      // The axes take the room their labels need.
      layout.xaxis = layout.xaxis || {};
      layout.yaxis = layout.yaxis || {};
      for (const key of Object.keys(layout)) {
        if (/^[xy]axis\d*$/.test(key)) {
          layout[key].automargin = true;
        }
      }
    }
    if (legendBelow(layout) || (chart.narrow && layout.showlegend !== false)) {
      // At the very bottom of the chart: Plotly then keeps the x axis title
      // (or a map's colour bar) above it. Placed at a fraction of the plot's
      // height below it (y=-0.2), it lands on them once it wraps onto more
      // rows; a narrow chart has no room for a legend beside it.
      layout.legend = Object.assign({}, layout.legend, {
        orientation: "h",
        y: 0,
        yref: "container",
        yanchor: "bottom",
      });
      if (chart.narrow) {
        Object.assign(layout.legend, { x: 0, xref: "container", xanchor: "left" });
      }
    }
    return layout;
  }

  function wrap(text, width, font) {
    measure.font = `${font.size}px ${font.family}`;
    const lines = [];
    let line = "";
    for (const word of text.split(/\s+/)) {
      const longer = line ? `${line} ${word}` : word;
      if (line && measure.measureText(longer).width > width) {
        lines.push(line);
        line = word;
      } else {
        line = longer;
      }
    }
    if (line) {
      lines.push(line);
    }
    return lines;
  }

  // The layout with the title fitted, from the chart as first drawn with
  // ``layout``: its toolbar, title font and legend can then be measured.
  function fitted(chart, layout) {
    const gd = chart.el;
    const full = gd._fullLayout;
    if (!chart.title || !full) {
      return null;
    }
    const width = full.width;
    const modebar = gd.querySelector(".modebar");
    const toolbar = modebar ? modebar.getBoundingClientRect().width + GAP : 0;
    const right = width - toolbar - GAP;
    const font = { family: full.title.font.family, size: full.title.font.size };
    const title = Object.assign({}, typeof layout.title === "object" && layout.title);
    let lines;
    if (chart.narrow) {
      font.size = Math.min(font.size, 15);
      Object.assign(title, { x: GAP / width, xref: "container", xanchor: "left" });
      lines = wrap(chart.title, right - GAP, font);
    } else {
      // Where the spec puts it, short of the toolbar.
      const t = full.title;
      const size = full._size;
      const x = t.xref === "paper" ? size.l + t.x * size.w : t.x * width;
      let anchor = t.xanchor;
      if (anchor === "auto") {
        anchor = t.x < 1 / 3 ? "left" : t.x > 2 / 3 ? "right" : "center";
      }
      if (anchor === "left") {
        lines = wrap(chart.title, right - x, font);
      } else {
        Object.assign(title, { x: 0.5, xref: "container", xanchor: "center" });
        lines = wrap(chart.title, 2 * right - width, font);
      }
    }
    const margin = Object.assign({ t: 100, b: 80 }, layout.margin);
    const lineHeight = font.size * LINE_HEIGHT;
    const top = Math.max(margin.t, Math.ceil(lines.length * lineHeight + 2 * GAP + 4));
    // The plot area keeps the height the layout meant for it: the chart
    // grows by the title's extra room and by what Plotly pushed into the
    // margins (axis labels, a colour bar, the legend at the bottom).
    const meant = layout.height - margin.t - margin.b;
    const pushed = Math.max(0, meant - full._size.h);
    const height = Math.round(layout.height + (top - margin.t) + pushed);
    Object.assign(title, {
      text: lines.join("<br>"),
      font: Object.assign({}, title.font, { size: font.size }),
      yref: "container",
      y: 1 - GAP / height,
      yanchor: "top",
    });
    return Object.assign({}, layout, {
      title: title,
      margin: Object.assign({}, margin, { t: top }),
      height: height,
    });
  }

  function titleOffset(gd) {
    const drawn = gd.querySelector(".gtitle");
    return drawn ? drawn.getBBox().y - GAP : 0;
  }

  function hideDrawing(gd) {
    // The SVG layers are tick labels and shapes: noise to a screen reader.
    for (const svg of gd.querySelectorAll(".svg-container > svg")) {
      svg.setAttribute("aria-hidden", "true");
    }
  }

  // A chart carries data-drawn once its layout is final (tests wait for it).
  function draw(chart) {
    const gd = chart.el;
    gd.removeAttribute("data-drawn");
    chart.width = gd.clientWidth;
    chart.narrow = chart.width > 0 && chart.width < NARROW;
    // A later draw (the window resized again) outdates this one's steps.
    const round = (chart.round || 0) + 1;
    chart.round = round;
    const data = dataFor(chart);
    const config = configFor(chart);
    const layout = layoutFor(chart);
    colourLegend(chart);
    return Plotly.react(gd, data, layout, config)
      .then(() => {
        const better = chart.round === round && fitted(chart, layout);
        return better && Plotly.react(gd, data, better, config).then(() => better);
      })
      .then((better) => {
        // Plotly shifts a title of several lines by an amount of its own:
        // measure where its top landed and move it to GAP.
        const off = better && chart.round === round ? titleOffset(gd) : 0;
        if (Math.abs(off) < 1) {
          return undefined;
        }
        const title = Object.assign({}, better.title, {
          y: better.title.y + off / better.height,
        });
        const moved = Object.assign({}, better, { title: title });
        return Plotly.react(gd, data, moved, config);
      })
      .then(() => {
        hideDrawing(gd);
        if (chart.round === round) {
          gd.setAttribute("data-drawn", "");
        }
      });
  }

  for (const el of document.querySelectorAll("[data-chart]")) {
    const spec = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    const chart = { el: el, spec: spec, title: titleText(spec.layout || {}) };
    charts.push(chart);
    draw(chart);
  }

  let pending = null;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(() => {
      for (const chart of charts) {
        const width = chart.el.clientWidth;
        if (width && width !== chart.width) {
          draw(chart);
        }
      }
    }, 150);
  });
})();
