// The bench's chart as a standalone SVG string: small multiples, one grouped
// bar panel per unit stacked vertically (one group per x category, one bar per
// implementation), the implementations in the same colours in every panel and
// one legend, each bar labelled with its value. A panel whose figures span
// more than a factor of 20 gets a logarithmic y axis (the in-memory model
// against Wine's pipes, node's coalesced small writes against a WriteFile per
// message), the others a linear one from zero.
// Small on purpose; no dependency.

const COLOURS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c"];

const escapeXml = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/** A value as the tables show it: whole numbers from 100 on, with thousands separators. */
const format = (v) => v >= 100 ? Math.round(v).toLocaleString("en-US") : v >= 10 ? v.toFixed(1) : v.toFixed(2);

/** A rough width in pixels of `text` at `size` (sans-serif: digits and most letters about 0.6 em). */
const textWidth = (text, size) => String(text).length * size * 0.6;

/** The smallest of 1, 2, 5 × 10^k that is at least `v`. */
function niceCeil(v) {
  const decade = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * decade).find((n) => n >= v * (1 - 1e-9));
}

/**
 * The y scale of a panel: `at(v)` is the height above the axis as a fraction of the plot (0..1), `ticks`
 * the grid lines ({v, label, major}).
 */
function scaleOf(values) {
  const positive = values.filter((v) => v > 0);
  const min = Math.min(...positive), max = Math.max(...positive);
  if (positive.length > 0 && max / min > 20) {
    // From a decade at least 2× below the smallest figure, so that its bar shows, to the 1, 2 or 5 above
    // the largest.
    const low = 10 ** Math.floor(Math.log10(min / 2));
    const high = niceCeil(max);
    const ticks = [];
    for (let decade = low; decade < high * 1.001; decade *= 10) {
      for (const m of [1, 2, 5]) {
        if (decade * m > high * 1.001) break;
        ticks.push({ v: decade * m, label: m !== 2, major: m === 1 });
      }
    }
    return { log: true, at: (v) => Math.log10(Math.max(v, low) / low) / Math.log10(high / low), ticks };
  }
  const step = positive.length > 0 ? niceCeil(max / 5) : 1;
  const high = Math.max(1, Math.ceil(max / step - 1e-9)) * step;
  const ticks = [];
  for (let i = 0; i * step <= high * 1.001; i++) ticks.push({ v: i * step, label: true, major: i === 0 });
  const top = ticks.at(-1).v;
  return { log: false, at: (v) => Math.max(v, 0) / top, ticks };
}

/**
 * @param {object} chart
 * @param {string} chart.title
 * @param {string} chart.subtitle
 * @param {string[]} chart.series    bar names (implementations), in legend order; each keeps its colour in
 *   every panel
 * @param {{title: string, unit: string, note?: string,
 *   groups: {label: string, value: (series: string) => number | undefined}[]}[]} chart.panels
 *   top to bottom; `unit` labels the y axis; a value of undefined draws no bar. A panel shows the series
 *   with a figure in it only; a panel with no figure at all is drawn empty, saying so.
 * @param {string[]} [chart.footnotes]  lines under the panels
 * @returns {string} the SVG document
 */
export function groupedBarChart({ title, subtitle, series, panels, footnotes = [] }) {
  const width = 1000;
  const left = 78, right = 20;
  const plotWidth = width - left - right;
  const barFont = 10;
  const out = [];
  let top = 0;

  out.push(`<text x="${left}" y="26" font-size="17" font-weight="bold">${escapeXml(title)}</text>`);
  out.push(`<text x="${left}" y="46" fill="#555">${escapeXml(subtitle)}</text>`);
  top = 60;

  // The legend: every series, wrapped over as many lines as it needs. A series with no bar anywhere is
  // listed as missing, so that its absence is not mistaken for zero.
  const present = (name) => panels.some((p) => p.groups.some((g) => g.value(name) !== undefined));
  let lx = left, ly = top + 12;
  series.forEach((name, si) => {
    const label = present(name) ? name : `${name} (missing)`;
    const w = 22 + textWidth(label, 12) + 18;
    if (lx + w > width - right && lx > left) lx = left, ly += 22;
    out.push(
      `<rect x="${lx}" y="${ly - 11}" width="14" height="14" fill="${
        present(name) ? COLOURS[si % COLOURS.length] : "#ffffff"
      }" stroke="${present(name) ? "none" : "#999"}"/>`,
      `<text x="${lx + 20}" y="${ly}" fill="${present(name) ? "#000" : "#999"}">${escapeXml(label)}</text>`,
    );
    lx += w;
  });
  top = ly + 20;

  for (const panel of panels) {
    const shown = series.map((name, si) => ({ name, si }))
      .filter(({ name }) => panel.groups.some((g) => g.value(name) !== undefined));
    const values = panel.groups.flatMap((g) => shown.map(({ name }) => g.value(name))).filter((v) => v !== undefined);
    const scale = scaleOf(values);
    const groupWidth = plotWidth / panel.groups.length;
    const barWidth = Math.min(64, (groupWidth * 0.84) / Math.max(shown.length, 1));
    // Labels wider than their bar stand upright on it; room above the tallest bar for the longest label.
    const widest = Math.max(0, ...values.map((v) => textWidth(format(v), barFont)));
    const upright = widest > barWidth - 1;
    const headroom = upright ? widest + 8 : barFont + 6;
    const plotHeight = 170 + headroom;
    const header = panel.note ? 40 : 26;
    const plotTop = top + header;
    const axisY = plotTop + plotHeight;
    const y = (v) => axisY - scale.at(v) * (plotHeight - headroom);

    out.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${top + 2}" y2="${top + 2}" stroke="#bbb"/>`,
      `<text x="${left}" y="${top + 20}" font-size="14" font-weight="bold">${escapeXml(panel.title)}</text>`,
    );
    if (panel.note) {
      out.push(`<text x="${left}" y="${top + 35}" font-size="11" fill="#555">${escapeXml(panel.note)}</text>`);
    }
    for (const tick of scale.ticks) {
      out.push(
        `<line x1="${left}" x2="${left + plotWidth}" y1="${y(tick.v).toFixed(1)}" y2="${y(tick.v).toFixed(1)}" ` +
          `stroke="${tick.major ? "#d0d0d0" : "#eeeeee"}"/>`,
      );
      if (tick.label) {
        out.push(
          `<text x="${left - 6}" y="${(y(tick.v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#555">${
            tick.v.toLocaleString("en-US")
          }</text>`,
        );
      }
    }
    const axisLabelY = plotTop + headroom + (plotHeight - headroom) / 2;
    out.push(
      `<text transform="translate(16 ${axisLabelY.toFixed(1)}) rotate(-90)" text-anchor="middle" font-size="11" ` +
        `fill="#333">${escapeXml(panel.unit)}${scale.log ? " (log)" : ""}</text>`,
    );
    if (values.length === 0) {
      out.push(
        `<text x="${left + plotWidth / 2}" y="${(axisY - (plotHeight - headroom) / 2).toFixed(1)}" ` +
          `text-anchor="middle" fill="#999">no figures in this run</text>`,
      );
    }
    panel.groups.forEach((group, gi) => {
      const x0 = left + (gi + 0.5) * groupWidth - (shown.length * barWidth) / 2;
      shown.forEach(({ name, si }, i) => {
        const v = group.value(name);
        if (v === undefined) return;
        const x = x0 + i * barWidth, cx = x + barWidth / 2 - 1;
        out.push(
          `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" ` +
            `height="${(axisY - y(v)).toFixed(1)}" fill="${COLOURS[si % COLOURS.length]}">` +
            `<title>${escapeXml(`${name}, ${group.label}: ${format(v)} ${panel.unit}`)}</title></rect>`,
          upright
            ? `<text transform="translate(${(cx + barFont * 0.35).toFixed(1)} ${(y(v) - 4).toFixed(1)}) ` +
              `rotate(-90)" font-size="${barFont}" fill="#333">${format(v)}</text>`
            : `<text x="${cx.toFixed(1)}" y="${(y(v) - 4).toFixed(1)}" text-anchor="middle" ` +
              `font-size="${barFont}" fill="#333">${format(v)}</text>`,
        );
      });
      out.push(
        `<text x="${(left + gi * groupWidth + groupWidth / 2).toFixed(1)}" y="${axisY + 18}" ` +
          `text-anchor="middle" fill="#333">${escapeXml(group.label)}</text>`,
      );
    });
    out.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${axisY}" y2="${axisY}" stroke="#333"/>`);
    top = axisY + 34;
  }

  footnotes.forEach((line, i) => {
    out.push(`<text x="${left}" y="${top + 4 + i * 16}" font-size="11" fill="#555">${escapeXml(line)}</text>`);
  });
  const height = Math.ceil(top + footnotes.length * 16 + 8);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...out,
    "</svg>",
    "",
  ].join("\n");
}
