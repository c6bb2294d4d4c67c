import { afterAll } from 'vitest'
import { removeTestDirs } from './testDir.ts'

// Setup file (vitest.config.ts): registered first, so with stacked hooks it runs after the file's own afterAll hooks.
afterAll(() => removeTestDirs())
