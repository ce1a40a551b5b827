// measure.js — appended by tests/browser/run to a copy of an html report;
// measures every SVG chart as Chromium laid it out and writes one TAP-like
// line per check into <pre id="browser-results">, which the runner reads
// back from `chromium --dump-dom`.
(function () {
  var lines = [];
  function check(ok, name, detail) {
    lines.push((ok ? "ok - " : "not ok - ") + name + (ok || !detail ? "" : " (" + detail + ")"));
  }
  function box(el) { return el.getBBox(); }
  // inside the viewBox, with half a pixel for anti-aliasing
  function inside(b, vb) {
    return b.x >= -0.5 && b.y >= -0.5 && b.x + b.width <= vb.width + 0.5 &&
      b.y + b.height <= vb.height + 0.5;
  }
  function all(list, fn) {
    for (var i = 0; i < list.length; i++) if (!fn(list[i], i)) return false;
    return true;
  }
  function titleOf(el) {
    var t = el.querySelector("title");
    return t ? t.textContent : "";
  }
  // "name: value" -> [name, value]
  function split(title) {
    var i = title.lastIndexOf(": ");
    return [title.slice(0, i), title.slice(i + 2)];
  }
  function tableRows(svg) {
    var section = svg.closest("section");
    return section ? section.querySelectorAll("tbody tr") : [];
  }

  var charts = document.querySelectorAll("svg.chart");
  check(charts.length > 0, "the page has charts", charts.length + " found");
  var kinds = {};
  for (var c = 0; c < charts.length; c++) {
    var svg = charts[c];
    var kind = (svg.getAttribute("class").match(/chart-(\w+)/) || [])[1];
    kinds[kind] = (kinds[kind] || 0) + 1;
    var name = "chart " + (c + 1) + " (" + kind + ")";
    var vb = svg.viewBox.baseVal;
    var shown = svg.getBoundingClientRect();
    check(vb.width > 0 && vb.height > 0 && shown.width > 0 && shown.height > 0,
          name + " is drawn with a size", shown.width + "x" + shown.height);
    var labels = svg.querySelectorAll("text");
    check(labels.length > 0 && all(labels, function (t) {
      var b = box(t); return b.width > 0 && b.height > 0 && inside(b, vb);
    }), name + ": every text is inside the picture", labels.length + " texts");
    var rows = tableRows(svg);

    if (kind === "bar") {
      var bars = svg.querySelectorAll("rect.bar");
      check(bars.length > 0 && bars.length === Math.min(rows.length, 25),
            name + ": a bar per row", bars.length + " bars, " + rows.length + " rows");
      check(all(bars, function (b) { var r = box(b); return r.width > 0 && r.height > 0 && inside(r, vb); }),
            name + ": bars have a size and stay inside");
      // length / value is one scale for every bar
      var scale = null, same = true;
      for (var i = 0; i < bars.length; i++) {
        var v = Math.abs(parseFloat(split(titleOf(bars[i]))[1]));
        if (!(v > 0)) continue;
        var s = box(bars[i]).width / v;
        if (scale === null) scale = s;
        else if (Math.abs(s - scale) > 0.02 * scale + 0.05) same = false;
      }
      check(scale !== null && same, name + ": bar lengths are proportional to the values");
      check(svg.querySelectorAll("text.label").length === bars.length,
            name + ": a label per bar");
    } else if (kind === "dispersion") {
      var strips = svg.querySelectorAll("rect.strip");
      var hits = svg.querySelectorAll("line.hit");
      check(strips.length > 0, name + ": strips drawn", strips.length + " strips");
      check(hits.length === rows.length && hits.length > 0,
            name + ": a tick per position", hits.length + " ticks, " + rows.length + " rows");
      var sb = strips.length ? box(strips[0]) : null;
      check(sb && all(hits, function (h) {
        var r = box(h);
        return r.height > 0 && r.x >= sb.x - 0.5 && r.x <= sb.x + sb.width + 0.5;
      }), name + ": every tick is on a strip");
      var total = 0;
      svg.querySelectorAll("text.count").forEach(function (t) { total += parseInt(t.textContent, 10); });
      check(total === hits.length, name + ": the strips' counts add up to the ticks", total);
    } else if (kind === "network") {
      var nodes = svg.querySelectorAll("circle.node");
      var edges = svg.querySelectorAll("line.edge");
      var names = {}, centres = {};
      nodes.forEach(function (n) {
        names[split(titleOf(n))[0]] = true;
        centres[n.getAttribute("cx") + "," + n.getAttribute("cy")] = true;
      });
      check(nodes.length > 0 && all(nodes, function (n) { var r = box(n); return r.width > 0 && inside(r, vb); }),
            name + ": nodes drawn inside", nodes.length + " nodes");
      // the rows whose both ends are drawn, each pair once
      var pairs = {};
      rows.forEach(function (tr) {
        var a = tr.cells[0].textContent, b = tr.cells[1].textContent;
        if (a !== b && names[a] && names[b]) pairs[a < b ? a + "\n" + b : b + "\n" + a] = true;
      });
      check(edges.length > 0 && edges.length === Object.keys(pairs).length,
            name + ": an edge per pair of drawn nodes", edges.length + " edges, " +
            Object.keys(pairs).length + " pairs");
      check(all(edges, function (e) {
        return centres[e.getAttribute("x1") + "," + e.getAttribute("y1")] &&
          centres[e.getAttribute("x2") + "," + e.getAttribute("y2")] &&
          parseFloat(getComputedStyle(e).strokeWidth) >= 1;
      }), name + ": every edge joins two nodes and is visible");
      check(svg.querySelectorAll("text.label").length === nodes.length, name + ": a label per node");
    } else {
      check(false, name + ": a known kind of chart");
    }
  }
  // the kinds the page must hold: window.expectedCharts, set by the runner
  var expected = window.expectedCharts || ["bar", "dispersion", "network"];
  check(all(expected, function (k) { return kinds[k] > 0; }),
        "the page holds its charts: " + expected.join(", "), JSON.stringify(kinds));
  var pre = document.createElement("pre");
  pre.id = "browser-results";
  pre.textContent = "\n" + lines.join("\n") + "\n";
  document.body.appendChild(pre);
})();
