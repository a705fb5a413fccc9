// An unfinished Metaflow run with no activity for this many hours is stale, unless Settings or the workspace say
// otherwise. Shared so the Settings dialog shows the same default main applies.
export const DEFAULT_STALE_AFTER_HOURS = 2;
