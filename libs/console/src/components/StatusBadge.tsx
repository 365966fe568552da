import type { AnyStatus } from '../api/types';
import { STATUS_GLYPHS, statusClass, statusWord } from '../logic/status';

/** A status in colour, glyph and word: readable without colour. */
export function StatusBadge({ status, label }: { status: AnyStatus; label?: string }) {
  return (
    <span className={`badge ${statusClass(status)}`} data-status={status}>
      <span className="badge__glyph" aria-hidden="true">
        {STATUS_GLYPHS[status]}
      </span>
      {label ?? statusWord(status)}
    </span>
  );
}

/** The legend under grids and timelines, where cells are too small for words. */
export function StatusLegend({ statuses }: { statuses: AnyStatus[] }) {
  return (
    <ul className="legend" aria-label="Legend">
      {statuses.map((s) => (
        <li key={s} className={statusClass(s)}>
          <span className="legend__swatch" aria-hidden="true">
            {STATUS_GLYPHS[s]}
          </span>
          {statusWord(s)}
        </li>
      ))}
    </ul>
  );
}
