// Plain-text tables for the scripts' printed results: columns padded to their widest cell.

/**
 * Rows of cells as text: columns padded to their widest cell, two spaces apart.
 *
 * @example
 * formatTable([['layer', 'relu'], ['hidden 1', '4.0% dead']]); // 'layer     relu\nhidden 1  4.0% dead'
 */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * `text` with two spaces before every line, as the scripts print tables under a heading.
 *
 * @example
 * indent('a\nb'); // '  a\n  b'
 */
export function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
