// MLflow writes span ids as base64 of the OTel bytes in span JSON (MLflow 3), as `0x…` hex in
// MLflow 2's, and as hex in the spans table and REST: one spelling, so parents match children.

/** base64 OTel id → hex (as the spans table and REST write it); hex or `0x…` ids pass through. */
export function normalizeSpanId(id: unknown): string | null {
  if (typeof id !== 'string' || id === '') return null;
  if (/^0x[0-9a-f]+$/i.test(id)) return id.slice(2).toLowerCase();
  if (/^[0-9a-f]{16}$/i.test(id)) return id.toLowerCase();
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(id)) {
    const bytes = Buffer.from(id, 'base64');
    if (bytes.length > 0) return bytes.toString('hex');
  }
  return id;
}
