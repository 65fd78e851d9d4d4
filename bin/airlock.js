#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
// Parallel downloads, blob commits (fsync, rename) and served files all use libuv's pool; its default
// of 4 threads queues them. Must be set before the first file operation.
process.env.UV_THREADPOOL_SIZE ??= '16';
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    console.error('airlock: not built yet; run `npm ci` (or `npm run build`) first');
  } else {
    console.error(err);
  }
  process.exit(1);
});
