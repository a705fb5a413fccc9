/** A visible, announced loading state; `label` says what is being waited for. */
export function Loading({ label }: { label: string }) {
  return (
    <div className="loading" role="status" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}
