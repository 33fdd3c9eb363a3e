/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  // ESM-only packages used by tests are transformed too.
  transformIgnorePatterns: ['/node_modules/(?!(jose|oauth4webapi|openid-client)/)'],
  setupFiles: ['<rootDir>/testkit/env.ts'],
  testTimeout: 60000,
  // The CI watchdog (.ci/watchdog.js) learns which test file is running from this reporter.
  reporters: ['default', '<rootDir>/.ci/progress-reporter.js'],
};
