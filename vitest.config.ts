import { defineConfig } from 'vitest/config'

// forks: the wasm backend, the embedded chain and Helia each run cleanly in their own process.
export default defineConfig({
  test: {
    pool: 'forks',
    include: [
      'shared/**/*.test.ts',
      'chain/**/*.test.ts',
      'miner/**/*.test.ts',
      'validator/**/*.test.ts',
      'cli/**/*.test.ts',
      'web/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    // Folders made with test/helpers/testDir.ts are removed after each file.
    setupFiles: ['test/helpers/cleanTestDirs.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
})
