import { ResultEntry } from './results';

/** One line of a plot. */
interface Series {
  readonly label: string;
  readonly color: string;
  readonly dashed: boolean;
  readonly marker: 'circle' | 'square' | 'triangle';
  readonly points: ReadonlyArray<readonly [number, number]>;
}

const W = 1000;
const H = 500;
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

/**
 * Renders time and peak memory against N, on log-log axes, for the construct and the raw baseline
 * (one chart, chart per app, and Pulumi mock mode when measured), as a self-contained SVG.
 */
export function renderScalingSvg(results: readonly ResultEntry[], subtitle: string): string {
  const pick = (
    name: string,
    field: 'median_ms' | 'baseline_ms' | 'rss_mb' | 'baseline_rss_mb',
  ): Array<[number, number]> =>
    results
      .filter((r) => r.name === name && typeof r[field] === 'number' && r[field] > 0)
      .sort((a, b) => a.n - b.n)
      .map((r) => [r.n, r[field] as number]);
  const blue = '#1f5fbf';
  const orange = '#d9730d';
  const green = '#2e8540';
  const seriesFor = (metric: 'ms' | 'rss'): Series[] => {
    const c = metric === 'ms' ? 'median_ms' : 'rss_mb';
    const b = metric === 'ms' ? 'baseline_ms' : 'baseline_rss_mb';
    const all: Series[] = [
      {
        label: 'HarborPrivateApp, one chart',
        color: blue,
        dashed: false,
        marker: 'circle',
        points: pick('synth/one-chart', c),
      },
      {
        label: 'raw cdk8s-plus baseline, one chart',
        color: orange,
        dashed: false,
        marker: 'square',
        points: pick('synth/one-chart', b),
      },
      {
        label: 'HarborPrivateApp, one chart per app',
        color: blue,
        dashed: true,
        marker: 'circle',
        points: pick('synth/chart-per-app', c),
      },
      {
        label: 'raw baseline, one chart per app',
        color: orange,
        dashed: true,
        marker: 'square',
        points: pick('synth/chart-per-app', b),
      },
      {
        label: 'Pulumi component (installed), mock mode',
        color: green,
        dashed: false,
        marker: 'triangle',
        points: pick('pulumi/installed', c),
      },
      {
        label: 'hand-written Pulumi program, mock mode',
        color: green,
        dashed: true,
        marker: 'square',
        points: pick('pulumi/installed', b),
      },
    ];
    return all.filter((s) => s.points.length > 0);
  };
  const timeSeries = seriesFor('ms');
  const rssSeries = seriesFor('rss');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="17" font-weight="bold" ${FONT}>Synthesis cost against the number of apps (log-log)</text>`,
    `<text x="${W / 2}" y="44" text-anchor="middle" font-size="12" fill="#555" ${FONT}>${esc(subtitle)}</text>`,
    `<text x="${W / 2}" y="62" text-anchor="middle" font-size="12" fill="#555" ${FONT}>cdk8s: declare the apps + App.synthYaml(), 5 objects per app; Pulumi: modules loaded, mock-mode construction until every resource is registered. Fresh process per run.</text>`,
    panel(70, 95, 380, 300, 'Median wall time', 'ms', timeSeries),
    panel(580, 95, 380, 300, 'Peak RSS of the process (maxRSS)', 'MB', rssSeries),
    legend(70, 455, timeSeries.length >= rssSeries.length ? timeSeries : rssSeries),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}

function panel(
  x0: number,
  y0: number,
  w: number,
  h: number,
  title: string,
  unit: string,
  series: readonly Series[],
): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  if (xs.length === 0) return '';
  const xMin = 10 ** Math.floor(Math.log10(Math.min(...xs)));
  const xMax = 10 ** Math.ceil(Math.log10(Math.max(...xs)));
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...ys)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
  const px = (x: number) => x0 + ((Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin) || 1)) * w;
  const py = (y: number) =>
    y0 + h - ((Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin) || 1)) * h;
  const out: string[] = [
    `<g>`,
    `<text x="${x0 + w / 2}" y="${y0 - 10}" text-anchor="middle" font-size="14" ${FONT}>${esc(title)}</text>`,
  ];
  // Grid: 1-2-5 steps per decade, labelled.
  for (let d = yMin; d <= yMax * 1.0001; d *= 10) {
    for (const m of [1, 2, 5]) {
      const v = d * m;
      if (v > yMax * 1.0001) break;
      const y = py(v);
      out.push(
        `<line x1="${x0}" y1="${f(y)}" x2="${x0 + w}" y2="${f(y)}" stroke="${m === 1 ? '#cccccc' : '#eeeeee'}"/>`,
      );
      out.push(
        `<text x="${x0 - 6}" y="${f(y + 4)}" text-anchor="end" font-size="11" fill="#333" ${FONT}>${label(v, unit)}</text>`,
      );
    }
  }
  for (let d = xMin; d <= xMax * 1.0001; d *= 10) {
    const x = px(d);
    out.push(`<line x1="${f(x)}" y1="${y0}" x2="${f(x)}" y2="${y0 + h}" stroke="#cccccc"/>`);
    out.push(
      `<text x="${f(x)}" y="${y0 + h + 16}" text-anchor="middle" font-size="11" fill="#333" ${FONT}>${d.toLocaleString('en-US')}</text>`,
    );
    for (let m = 2; m <= 9 && d * m <= xMax; m++) {
      const xm = px(d * m);
      out.push(`<line x1="${f(xm)}" y1="${y0 + h}" x2="${f(xm)}" y2="${y0 + h - 4}" stroke="#999999"/>`);
    }
  }
  out.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#333333"/>`);
  out.push(
    `<text x="${x0 + w / 2}" y="${y0 + h + 34}" text-anchor="middle" font-size="12" ${FONT}>N (apps declared)</text>`,
  );
  for (const s of series) {
    const pts = s.points.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ');
    out.push(
      `<polyline points="${pts}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6,4"' : ''}/>`,
    );
    for (const [x, y] of s.points) out.push(marker(s, px(x), py(y)));
  }
  out.push('</g>');
  return out.join('\n');
}

function legend(x0: number, y0: number, series: readonly Series[]): string {
  const out: string[] = [];
  series.forEach((s, i) => {
    const x = x0 + (i % 3) * 300;
    const y = y0 + Math.floor(i / 3) * 20;
    out.push(
      `<line x1="${x}" y1="${y}" x2="${x + 30}" y2="${y}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6,4"' : ''}/>`,
    );
    out.push(marker(s, x + 15, y));
    out.push(`<text x="${x + 38}" y="${y + 4}" font-size="12" ${FONT}>${esc(s.label)}</text>`);
  });
  return out.join('\n');
}

function marker(s: Series, x: number, y: number): string {
  const fill = s.dashed ? '#ffffff' : s.color;
  switch (s.marker) {
    case 'circle':
      return `<circle cx="${f(x)}" cy="${f(y)}" r="4" fill="${fill}" stroke="${s.color}" stroke-width="1.5"/>`;
    case 'square':
      return `<rect x="${f(x - 4)}" y="${f(y - 4)}" width="8" height="8" fill="${fill}" stroke="${s.color}" stroke-width="1.5"/>`;
    case 'triangle':
      return `<polygon points="${f(x)},${f(y - 5)} ${f(x - 5)},${f(y + 4)} ${f(x + 5)},${f(y + 4)}" fill="${fill}" stroke="${s.color}" stroke-width="1.5"/>`;
  }
}

function label(v: number, unit: string): string {
  const n = (x: number) => String(Number(x.toPrecision(3)));
  if (unit === 'ms' && v >= 1000) return `${n(v / 1000)} s`;
  if (unit === 'MB' && v >= 1000) return `${n(v / 1000)} GB`;
  return `${n(v)} ${unit}`;
}

function f(n: number): string {
  return n.toFixed(1);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
