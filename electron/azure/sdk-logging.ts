import { setLogLevel } from '@azure/logger';

// The Azure SDK (azure.identity above all) is chatty: only errors reach the console unless the
// user turns debug logging on in settings.
export function applyAzureLogging(debug: boolean): void {
  setLogLevel(debug ? 'verbose' : 'error');
}
