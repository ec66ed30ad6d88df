/**
 * The report page's own script (runs in the browser after d3 and Observable Plot): draws every
 * `figure.chart` from the embedded JSON. A chart that fails says so in its figure and on the
 * console (the browser test fails on console errors). Plain ES5-style JavaScript kept as text
 * here, so the report is one file with nothing to fetch.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('report-data').textContent);
  var WIDTH = 1000;
  function unique(values) { return Array.from(new Set(values)); }
  function floorTo(value, step) { return Math.floor(value / step) * step; }
  /** Lower end of an F1 axis: a little below the lowest value, so differences near 1 show. */
  function f1Floor(values) {
    var lo = Math.min.apply(null, values.concat([1]));
    return Math.max(0, floorTo(lo - 0.02, 0.05));
  }
  function short(text, n) { text = String(text); return text.length > n ? text.slice(0, n - 1) + '…' : text; }
  function fmt(x) { return x === null || x === undefined || isNaN(x) ? '–' : Number(x).toFixed(4); }
  /** Long column names on several lines: broken after ':' (exclusion sets) and between words, about 20 characters a line. */
  function wrap(text) {
    var lines = [];
    String(text).replace(/:/g, ': ').split(' ').filter(Boolean).forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && lines[last].length + word.length < 20 && !/:$/.test(lines[last])) lines[last] += ' ' + word;
      else lines.push(word);
    });
    return lines.join('\n');
  }

  /** A table of scores as coloured cells: columns (x) × rows (y), the score and its series count written in. */
  function scoreMatrix(rows, x, y, value, count, label) {
    var xs = unique(rows.map(function (d) { return d[x]; }));
    var ys = unique(rows.map(function (d) { return d[y]; }));
    var lines = Math.max.apply(null, xs.map(function (d) { return wrap(d).split('\n').length; }).concat([1]));
    var lo = f1Floor(rows.map(function (d) { return d[value]; }));
    return Plot.plot({
      width: Math.min(WIDTH, 190 + xs.length * 150), height: 70 + lines * 14 + ys.length * 38,
      marginLeft: 170, marginTop: 40 + lines * 14, marginBottom: 10,
      x: { domain: xs, axis: 'top', label: null, tickFormat: wrap, tickSize: 0 },
      y: { domain: ys, label: null, tickSize: 0 },
      color: { type: 'linear', scheme: 'RdYlGn', domain: [lo, 1], legend: true, label: label },
      marks: [
        Plot.cell(rows, { x: x, y: y, fill: value, inset: 1 }),
        Plot.text(rows, {
          x: x, y: y, fontSize: 11, lineHeight: 1.1,
          text: function (d) { return (isNaN(d[value]) ? '–' : Number(d[value]).toFixed(3)) + (isNaN(d[count]) ? '' : '\n' + d[count] + ' series'); },
          // the scheme's ends are dark: white text there
          fill: function (d) { var t = (d[value] - lo) / (1 - lo || 1); return t < 0.2 || t > 0.8 ? 'white' : 'black'; }
        })
      ]
    });
  }

  var charts = {
    learning: function () {
      var points = DATA.learning;
      var percents = unique(points.map(function (p) { return p.percent; })).sort(function (a, b) { return a - b; });
      return Plot.plot({
        width: WIDTH, height: 340, marginLeft: 56, marginBottom: 40,
        x: { type: 'log', ticks: percents, tickFormat: function (d) { return d + ' %'; }, label: 'training data (% of the training studies)', labelAnchor: 'center' },
        y: { domain: [f1Floor(points.map(function (p) { return p.macroF1; })), 1], grid: true, label: 'macro-F1' },
        fx: { label: null },
        color: { legend: true, label: 'columns left out' },
        marks: [
          Plot.ruleY([1], { stroke: '#ddd' }),
          Plot.line(points, { x: 'percent', y: 'macroF1', stroke: 'exclusion', fx: 'split', sort: 'percent', strokeWidth: 1.5 }),
          Plot.dot(points, { x: 'percent', y: 'macroF1', fill: 'exclusion', fx: 'split', r: 3 }),
          Plot.tip(points, Plot.pointer({ x: 'percent', y: 'macroF1', fx: 'split', title: function (d) { return d.exclusion + '\n' + d.percent + ' % of the training studies\n' + d.split + ' macro-F1 ' + fmt(d.macroF1); } }))
        ]
      });
    },
    confusion: function (figure) {
      var c = DATA.confusions[Number(figure.dataset.index)];
      var max = Math.max.apply(null, c.cells.map(function (d) { return d.count; }).concat([1]));
      var size = Math.max(220, 56 * c.classes.length);
      return Plot.plot({
        width: size + 90, height: size + 60, marginLeft: 80, marginBottom: 56, padding: 0,
        x: { domain: c.classes, label: 'predicted', tickRotate: -30 },
        y: { domain: c.classes, label: 'true' },
        color: { type: 'sqrt', scheme: 'blues', domain: [0, max] },
        marks: [
          Plot.cell(c.cells, { x: 'pred', y: 'true', fill: 'count', inset: 0.5 }),
          Plot.cell(c.cells.filter(function (d) { return d.true !== d.pred && d.count > 0; }), { x: 'pred', y: 'true', stroke: '#c0392b', strokeWidth: 2, inset: 1.5 }),
          Plot.text(c.cells, { x: 'pred', y: 'true', text: 'count', fill: function (d) { return d.count > max * 0.45 ? 'white' : 'black'; } })
        ]
      });
    },
    perClass: function () {
      return scoreMatrix(DATA.perClass, 'source', 'class', 'f1', 'support', 'F1');
    },
    groups: function (figure) {
      return scoreMatrix(DATA.groups.filter(function (d) { return d.grouping === figure.dataset.grouping; }), 'source', 'group', 'macroF1', 'series', 'macro-F1');
    },
    importance: function (figure) {
      var rows = DATA.importance.filter(function (d) { return d.exclusion === figure.dataset.exclusion; });
      return Plot.plot({
        width: WIDTH / 2 - 10, height: 40 + rows.length * 18, marginLeft: 230, marginRight: 20,
        x: { grid: true, label: 'mean |SHAP|, summed over classes', axis: 'top' },
        y: { label: null, tickFormat: function (d) { return short(d, 36); } },
        marks: [
          Plot.barX(rows, { y: 'feature', x: 'value', fill: '#4c78a8', sort: { y: '-x' } }),
          Plot.ruleX([0])
        ]
      });
    },
    calibration: function () {
      var bins = DATA.calibration;
      return Plot.plot({
        width: 560, height: 420, marginLeft: 56, marginBottom: 44,
        x: { domain: [0, 1], grid: true, label: 'confidence (probability of the predicted class)' },
        y: { domain: [0, 1], grid: true, label: 'accuracy' },
        r: { range: [3, 14] },
        color: { legend: true },
        marks: [
          Plot.line([[0, 0], [1, 1]], { stroke: '#999', strokeDasharray: '4,4' }),
          Plot.line(bins, { x: 'confidence', y: 'accuracy', stroke: 'set', sort: 'confidence' }),
          Plot.dot(bins, { x: 'confidence', y: 'accuracy', r: 'series', fill: 'set', fillOpacity: 0.7 }),
          Plot.tip(bins, Plot.pointer({ x: 'confidence', y: 'accuracy', title: function (d) { return d.set + '\nconfidence ' + d.lo.toFixed(1) + '–' + d.hi.toFixed(1) + ': ' + d.series + ' series\nmean confidence ' + fmt(d.confidence) + ', accuracy ' + fmt(d.accuracy); } }))
        ]
      });
    }
  };

  document.querySelectorAll('figure.chart').forEach(function (figure) {
    var target = figure.querySelector('.plot');
    try {
      target.appendChild(charts[figure.dataset.chart](figure));
      figure.dataset.rendered = 'true';
    } catch (error) {
      figure.dataset.rendered = 'error';
      target.textContent = 'This chart could not be drawn: ' + error.message;
      console.error(error);
    }
  });
})();
`;
