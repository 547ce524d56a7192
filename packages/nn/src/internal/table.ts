// Plain-text tables for summary() and healthReport(): columns padded to their widest cell.

/**
 * The lines of a table: cells padded to their column's width (right-aligned in the columns
 * listed in `alignRight`), joined by two spaces, without trailing blanks.
 */
export function formatTable(
  rows: readonly (readonly string[])[],
  alignRight: readonly number[] = [],
): string[] {
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.max(...rows.map((r) => (r[c] ?? '').length)),
  );
  return rows.map((r) =>
    r
      .map((cell, c) =>
        alignRight.includes(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!),
      )
      .join('  ')
      .trimEnd(),
  );
}
