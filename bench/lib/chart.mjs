// A grouped bar chart as a standalone SVG string: one group per x category,
// one bar per series, on a logarithmic y axis (the bench's figures span
// three orders of magnitude: the in-memory model against Wine's pipes).
// Small on purpose; the bench needs one chart and no dependency.

const COLOURS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c"];

const escapeXml = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/** The decades the y axis spans: from the one below the smallest value to the one above the largest. */
function decades(values) {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return { low: 1, high: 10 };
  return {
    low: 10 ** Math.floor(Math.log10(Math.min(...positive))),
    high: 10 ** Math.ceil(Math.log10(Math.max(...positive)) + 1e-9),
  };
}

const format = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/**
 * @param {object} chart
 * @param {string} chart.title
 * @param {string} chart.subtitle
 * @param {string} chart.yLabel
 * @param {string[]} chart.groups    x categories, left to right
 * @param {string[]} chart.series    bar names, in legend order
 * @param {(group: string, series: string) => number | undefined} chart.value  undefined: no bar
 * @param {string} [chart.footnote]  a line under the plot
 * @returns {string} the SVG document
 */
export function groupedBarChart({ title, subtitle, yLabel, groups, series, value, footnote = "" }) {
  const width = 820, height = 460;
  const plot = { left: 70, right: 190, top: 62, bottom: 50 };
  const plotWidth = width - plot.left - plot.right;
  const plotHeight = height - plot.top - plot.bottom;
  const values = groups.flatMap((g) => series.map((s) => value(g, s))).filter((v) => v !== undefined);
  const { low, high } = decades(values);
  const y = (v) => plot.top + plotHeight - (Math.log10(Math.max(v, low) / low) / Math.log10(high / low)) * plotHeight;
  const groupWidth = plotWidth / groups.length;
  const barWidth = (groupWidth * 0.8) / series.length;

  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${plot.left}" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${plot.left}" y="44" fill="#555">${escapeXml(subtitle)}</text>`,
  );
  // Grid lines at 1, 2 and 5 of each decade; labels on 1 and 5.
  for (let decade = low; decade < high * 1.001; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const v = decade * m;
      if (v > high * 1.001) break;
      out.push(
        `<line x1="${plot.left}" x2="${plot.left + plotWidth}" y1="${y(v)}" y2="${y(v)}" stroke="${
          m === 1 ? "#d0d0d0" : "#eeeeee"
        }"/>`,
      );
      if (m !== 2) {
        out.push(
          `<text x="${plot.left - 6}" y="${y(v) + 4}" text-anchor="end" fill="#555">${
            v.toLocaleString("en-US")
          }</text>`,
        );
      }
    }
  }
  out.push(
    `<text transform="translate(18 ${plot.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" fill="#333">` +
      `${escapeXml(yLabel)} (log scale)</text>`,
  );
  groups.forEach((group, gi) => {
    const x0 = plot.left + gi * groupWidth + groupWidth * 0.1;
    series.forEach((name, si) => {
      const v = value(group, name);
      if (v === undefined) return;
      const x = x0 + si * barWidth;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" ` +
          `height="${(y(low) - y(v)).toFixed(1)}" fill="${COLOURS[si % COLOURS.length]}">` +
          `<title>${escapeXml(`${name}, ${group}: ${format(v)} ${yLabel}`)}</title></rect>`,
        `<text x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" text-anchor="middle" ` +
          `font-size="9" fill="#333">${format(v)}</text>`,
      );
    });
    out.push(
      `<text x="${plot.left + gi * groupWidth + groupWidth / 2}" y="${plot.top + plotHeight + 20}" ` +
        `text-anchor="middle" fill="#333">${escapeXml(group)}</text>`,
    );
  });
  out.push(
    `<line x1="${plot.left}" x2="${plot.left + plotWidth}" y1="${y(low)}" y2="${y(low)}" stroke="#333"/>`,
  );
  series.forEach((name, si) => {
    const ly = plot.top + 10 + si * 22;
    const lx = plot.left + plotWidth + 20;
    // A series with no bar at all is listed as missing, so that its absence is not mistaken for zero.
    const present = groups.some((group) => value(group, name) !== undefined);
    out.push(
      `<rect x="${lx}" y="${ly - 10}" width="14" height="14" fill="${
        present ? COLOURS[si % COLOURS.length] : "#ffffff"
      }" stroke="${present ? "none" : "#999"}"/>`,
      `<text x="${lx + 20}" y="${ly + 1}" fill="${present ? "#000" : "#999"}">${
        escapeXml(present ? name : `${name} (missing)`)
      }</text>`,
    );
  });
  if (footnote) {
    out.push(`<text x="${plot.left}" y="${height - 10}" font-size="11" fill="#555">${escapeXml(footnote)}</text>`);
  }
  out.push("</svg>", "");
  return out.join("\n");
}
