// Chart labels: long texts broken into lines for an axis.

/** Splits a long label into lines for the chart's axis. */
export function wrap(label: string, width: number): string[] {
  if (label.length <= width) return [label];
  const words = label.includes(' ') ? label.split(' ') : [...label];
  const sep = label.includes(' ') ? ' ' : '';
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && (line + sep + w).length > width) {
      lines.push(line);
      line = w;
    } else {
      line = line ? line + sep + w : w;
    }
  }
  if (line) lines.push(line);
  return lines;
}
