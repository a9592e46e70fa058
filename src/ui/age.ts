// Kubernetes-style ages ("5m", "3h12m", "2d4h") following apimachinery's HumanDuration, as kubectl's AGE column.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** HumanDuration: Ns < 2m, XmYs < 10m, Xm < 3h, XhYm < 8h, Xh < 48h, XdYh < 8d, Xd < 2y, then XyYd or Xy. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  // Clocks of client and server disagree a little; a second in the future still reads "0s".
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) return join(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) return join(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return join(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return join(years, 'y', days % 365, 'd');
  return `${years}y`;
}

function join(big: number, bigUnit: string, small: number, smallUnit: string): string {
  return small === 0 ? `${big}${bigUnit}` : `${big}${bigUnit}${small}${smallUnit}`;
}

/** Age of an RFC 3339 timestamp at `now`; `<unknown>` when it is missing or unparseable, like kubectl. */
export function age(timestamp: string | undefined, now: Date | number): string {
  if (!timestamp) return '<unknown>';
  const t = Date.parse(timestamp);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration((typeof now === 'number' ? now : now.getTime()) - t);
}

/** A time cell: the age on a terminal, the timestamp itself in pipes so scripts get absolute times. */
export function timeCell(timestamp: string | undefined, now: Date | number, relative: boolean): string {
  if (relative) return age(timestamp, now);
  return timestamp || '<unknown>';
}
