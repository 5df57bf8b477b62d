/** The ETag the API gives a record version (`"3"`), for If-Match on list-loaded records. */
export function etagOf(version: number): string {
  return `"${version}"`;
}
