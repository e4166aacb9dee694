/** Entry point of `npm run --silent boleto -- <command>`; see ./boleto-commands.ts. */
import { runBoletoCli } from './boleto-commands';

void runBoletoCli(process.argv.slice(2)).then((r) => {
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.code;
});
