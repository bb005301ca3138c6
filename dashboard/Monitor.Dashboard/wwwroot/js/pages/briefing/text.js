// The living briefing's templates, filled with counts and dates only: word for word those of the exports
// (src/Monitor.Core/Briefing/BriefingText.cs). No DOM here, so node --test checks them.

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const numberFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

export function formatDate(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : dateFormat.format(date);
}

export const number = (value) => numberFormat.format(Number(value));
export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function periodLine(report) {
  return report.sinceBaseline
    ? `Since the baseline (${formatDate(report.from)}) to ${formatDate(report.to)}.`
    : `From ${formatDate(report.from)} to ${formatDate(report.to)}.`;
}

export function countLine(topic) {
  const n = Number(topic.statements) || 0;
  return n === 0 ? 'No statement on this topic in the period.' : `${plural(n, 'statement')} on this topic in the period.`;
}

export function spokeFirstLine(topic) {
  const nato = topic.firstNato;
  const ep = topic.firstEp;
  if (!nato && !ep) return null;
  if (nato && !ep) return `Only NATO addressed it in the period (first on ${formatDate(nato.at)}).`;
  if (!nato && ep) return `Only the European Parliament addressed it in the period (first on ${formatDate(ep.at)}).`;
  return topic.spokeFirst === 'NATO'
    ? `NATO spoke first, on ${formatDate(nato.at)}; the European Parliament on ${formatDate(ep.at)}.`
    : `The European Parliament spoke first, on ${formatDate(ep.at)}; NATO on ${formatDate(nato.at)}.`;
}

export function stepLine(step) {
  const what = step.isBaseline ? ' (the briefing’s value)' : '';
  return step.firstAt
    ? `${number(step.value)}${what}: ${plural(Number(step.statements), 'statement')}, first on ${formatDate(step.firstAt)}, last on ${formatDate(step.lastAt)}`
    : `${number(step.value)}${what}: not restated in the period`;
}
