/**
 * Every relative link in README.md and docs/**\/*.md points at a file that exists, and a link to a heading of a
 * markdown file (`file.md#heading` or `#heading`) at a heading that exists (GitHub's anchors). Links inside code
 * (fenced blocks, `inline`) are not links; absolute URLs are not checked (no network in tests).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

const markdownFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );

/** The text with fenced code blocks and inline code spans blanked out. */
const withoutCode = (md: string): string =>
  md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2… */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Link {
  file: string;
  target: string;
}

function relativeLinks(file: string): Link[] {
  const text = withoutCode(readFileSync(file, 'utf8'));
  const targets = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t)).map((target) => ({ file, target }));
}

/** Why the link is broken, or undefined when it resolves. */
function problem({ file, target }: Link): string | undefined {
  const [path = '', anchor] = target.split('#', 2);
  const dest = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
  if (!existsSync(dest)) return 'no such file';
  if (
    anchor !== undefined &&
    dest.endsWith('.md') &&
    !anchors(readFileSync(dest, 'utf8')).has(decodeURIComponent(anchor))
  ) {
    return `no heading with the anchor #${anchor}`;
  }
  return undefined;
}

describe('markdown links', () => {
  const files = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];
  const links = files.flatMap(relativeLinks);

  it('README.md and docs/ › have relative links to check', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(links.length).toBeGreaterThan(30);
  });

  it('every relative link › points at an existing file (and heading)', () => {
    const broken = links.flatMap((l) => {
      const why = problem(l);
      return why ? [`${relative(ROOT, l.file)}: (${l.target}) ${why}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it('a broken link › is reported', () => {
    const readme = join(ROOT, 'README.md');
    expect(problem({ file: readme, target: 'docs/no-such-page.md' })).toBe('no such file');
    expect(problem({ file: readme, target: 'docs/api.md#no-such-heading' })).toBe(
      'no heading with the anchor #no-such-heading',
    );
    expect(problem({ file: readme, target: 'docs/operations.md#npm-run-cluster-no-docker' })).toBeUndefined();
  });
});
