import { toErrorShape } from '../ipc/router.js';
import { environmentSecrets } from '../security/environment-secrets.js';
import { AREAS } from './areas.js';
import { CliFailure, printFailure, usageError } from './output.js';

// `stratus`: the app's services from a terminal, for scripting and checks. Each area (metaflow,
// mlflow, …) parses its own arguments; see areas.ts.

const USAGE = Object.values(AREAS)
  .map((area) => area.usage)
  .join('\n\n');

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    if (name === undefined) throw usageError(USAGE);
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const area = Object.hasOwn(AREAS, name) ? AREAS[name] : undefined;
  if (!area) throw usageError(USAGE);
  await area.run(rest);
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
  printFailure(toErrorShape(err, environmentSecrets(process.env)));
  process.exit(1);
});
