'use strict';
// Loads a TypeScript module at `serverless package` time through tsx, so CloudFormation
// generators (alarms per target, the dashboard) are plain, unit-tested TypeScript that shares its
// metric names with the functions. tsx's scoped `require` compiles only what this call loads and
// leaves Node's own `require` untouched for the rest of the serverless process.
const path = require('node:path');
const tsx = require('tsx/cjs/api');

module.exports = function loadTs(relativePath) {
  return tsx.require(path.resolve(__dirname, '..', '..', relativePath), __filename);
};
