import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: real servers and clients run beside the tests, so files run two at a time.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
