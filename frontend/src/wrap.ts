// Chart labels: long texts broken into lines for an axis.

import { lang } from './i18n';

/** How many characters an axis label's line holds: fewer on a phone, and fewer in Japanese. */
export function labelWidth(): number {
  return window.innerWidth < 600 ? (lang() === 'ja' ? 8 : 14) : lang() === 'ja' ? 14 : 24;
}

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
