/** Pasted rows (comma, tab or semicolon separated): a header `y,x1,x2…`, then numbers; y first. */
export function parseRows(text: string): { names: string[]; x: number[][]; y: number[] } {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length < 2) throw new Error('Paste a header row and at least one data row.');
  const split = (l: string) => l.split(/[,\t;]/).map((c) => c.trim());
  const header = split(lines[0]);
  if (header.length < 2) throw new Error('Need y and at least one factor column.');
  const x: number[][] = [];
  const y: number[] = [];
  lines.slice(1).forEach((line, i) => {
    const cells = split(line).map(Number);
    if (cells.length !== header.length || cells.some((c) => !Number.isFinite(c))) {
      throw new Error(`Line ${i + 2}: expected ${header.length} numbers.`);
    }
    y.push(cells[0]);
    x.push(cells.slice(1));
  });
  return { names: header.slice(1), x, y };
}
