import { parseArgs } from 'node:util';
import { toErrorShape } from '../ipc/router.js';
import { createServices } from '../services.js';
import { metaflowLs } from './metaflow-ls.js';
import { CliFailure, printFailure, usageError } from './output.js';

// `stratus`: the app's services from a terminal, for scripting and checks.

const USAGE = `usage: stratus metaflow ls <container>/<prefix>[/<Flow>[/<run>[/<step>[/<task>]]]] [--endpoint URL] [--sysroot S] [--json]

Credentials come from the environment, as in the app: AZURE_STORAGE_CONNECTION_STRING,
AZURE_STORAGE_ACCESS_KEY, or an Azure identity (DefaultAzureCredential).
The endpoint defaults to METAFLOW_AZURE_STORAGE_BLOB_SERVICE_ENDPOINT.`;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      sysroot: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const [area, command, target, ...rest] = positionals;
  if (area !== 'metaflow' || command !== 'ls' || target === undefined || rest.length > 0) throw usageError(USAGE);
  await metaflowLs(createServices(), { target, endpoint: values.endpoint, sysroot: values.sysroot, json: values.json }, process.env);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof CliFailure) {
    printFailure(err.error);
    process.exit(err.exitCode);
  }
  const usage = (err as { code?: unknown }).code;
  if (typeof usage === 'string' && usage.startsWith('ERR_PARSE_ARGS')) {
    printFailure({ code: 'INVALID_ARGUMENT', message: (err as Error).message });
    process.exit(2);
  }
  printFailure(toErrorShape(err));
  process.exit(1);
});
