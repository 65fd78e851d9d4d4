// The exit-status table of docs/exit-codes.md, rendered from ERROR_CODES so the two never disagree
// (test/exit-codes.test.ts compares them). Regenerate after changing ERROR_CODES:
//   npx tsc -p . && node -e "import('./dist/core/error-table.js').then((m) => process.stdout.write(m.exitCodeTable()))"
import { ERROR_CODES, EXIT_OS_ERROR, type ErrorCode } from './errors.js';

interface Row {
  exit: number;
  code: string;
  http: string;
  meaning: string;
}

export function exitCodeTable(): string {
  const rows: Row[] = [
    { exit: 0, code: '—', http: '—', meaning: 'success' },
    ...(Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => ({ exit: ERROR_CODES[code].exit, code: `\`${code}\``, http: String(ERROR_CODES[code].http), meaning: ERROR_CODES[code].summary })),
    { exit: EXIT_OS_ERROR, code: '(system error)', http: '—', meaning: 'operating-system error: permission denied, disk full, no such directory… (the message names the path)' },
  ];
  // Stable order: by exit status, then as ERROR_CODES lists them.
  const sorted = rows.map((r, i) => ({ r, i })).sort((a, b) => a.r.exit - b.r.exit || a.i - b.i).map(({ r }) => r);
  return ['| exit | code | HTTP | meaning |', '|---|---|---|---|', ...sorted.map((r) => `| ${r.exit} | ${r.code} | ${r.http} | ${r.meaning} |`)].join('\n') + '\n';
}
