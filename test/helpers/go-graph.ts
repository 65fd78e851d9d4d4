// The fixture module graph the gomod tests share.
import type { FixtureModule } from './go-fixtures.js';

export const pkg = (name: string, imports: string[], body: string) =>
  `package ${name}\n\n${imports.length ? `import (\n${imports.map((i) => `\t"${i}"`).join('\n')}\n)\n\n` : ''}${body}\n`;

// a@v1.1.0 (go 1.17, tidy) needs b, Kase, old and c; b's go.mod also requires x for a package a never
// imports, and x requires deep: with pruning neither x's zip nor anything of deep is needed or carried.
// old has no go line (unpruned): its chain c@v1.0.0 → d is read, as `go` reads it, but only as go.mod.
export const MODULES: FixtureModule[] = [
  { path: 'example.com/a', version: 'v1.0.0', go: '1.17', files: { 'a.go': pkg('a', [], 'func Hello() string { return "a1" }') } },
  {
    path: 'example.com/a', version: 'v1.1.0', go: '1.17',
    requires: ['example.com/b@v1.0.0', 'github.com/Upper/Kase@v1.0.0', 'example.com/old@v1.0.0', 'example.com/c@v1.1.0'],
    files: { 'a.go': pkg('a', ['example.com/b', 'example.com/old', 'github.com/Upper/Kase'], 'func Hello() string { return "a11+" + b.B() + "+" + kase.K() + "+" + old.O() }') },
  },
  { path: 'example.com/b', version: 'v1.0.0', go: '1.17', requires: ['example.com/x@v1.0.0'], files: { 'b.go': pkg('b', [], 'func B() string { return "b" }'), 'extra/extra.go': pkg('extra', ['example.com/x'], 'var E = x.X') } },
  { path: 'example.com/x', version: 'v1.0.0', go: '1.17', requires: ['example.com/deep@v1.0.0'], files: { 'x.go': pkg('x', ['example.com/deep'], 'var X = deep.D') } },
  { path: 'example.com/deep', version: 'v1.0.0', go: '1.17', files: { 'deep.go': pkg('deep', [], 'var D = "deep"') } },
  { path: 'github.com/Upper/Kase', version: 'v1.0.0', go: '1.17', files: { 'kase.go': pkg('kase', [], 'func K() string { return "K" }') } },
  { path: 'example.com/old', version: 'v1.0.0', requires: ['example.com/c@v1.0.0'], files: { 'old.go': pkg('old', ['example.com/c'], 'func O() string { return c.C }') } },
  { path: 'example.com/c', version: 'v1.0.0', requires: ['example.com/d@v1.0.0'], files: { 'c.go': pkg('c', ['example.com/d'], 'var C = "c10" + d.D') } },
  { path: 'example.com/c', version: 'v1.1.0', files: { 'c.go': pkg('c', [], 'var C = "c11"') } },
  { path: 'example.com/d', version: 'v1.0.0', files: { 'd.go': pkg('d', [], 'var D = "d"') } },
];

