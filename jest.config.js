/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // TypeScript first: resources/lib has a .js resolver beside each .ts generator of the same name.
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { transpilation: true }],
    // @middy/core ships ESM only; jest's module system needs it as CommonJS to test real handlers.
    '^.+\\.js$': ['ts-jest', { transpilation: true, tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  setupFiles: ['<rootDir>/test/helpers/env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-setup.ts', '<rootDir>/test/helpers/leak-scan/setup.ts'],
  // Secret-leak scan over everything the whole suite printed or notified (fails the run on a leak).
  globalSetup: '<rootDir>/test/helpers/leak-scan/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/leak-scan/teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
