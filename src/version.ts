import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package version, read once (works from src/ under tsx and from dist/src/ after a build). */
export const VERSION: string = (() => {
  for (const rel of ['..', '../..']) {
    try {
      const pkg = JSON.parse(readFileSync(join(__dirname, rel, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'boletoflow' && pkg.version) return pkg.version;
    } catch {
      /* try the next location */
    }
  }
  return '0.0.0';
})();

/** Project root (the folder holding package.json), for .tools/ and .data/ defaults. */
export const PROJECT_ROOT: string = (() => {
  for (const rel of ['..', '../..']) {
    try {
      readFileSync(join(__dirname, rel, 'package.json'));
      return join(__dirname, rel);
    } catch {
      /* try the next location */
    }
  }
  return process.cwd();
})();
