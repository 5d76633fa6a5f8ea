'use strict';
// Loads a TypeScript module at `serverless package` time (bundled in memory by esbuild), so
// CloudFormation generators (alarms per target, the dashboard) are plain, unit-tested TypeScript
// that shares its metric names with the functions.
const path = require('node:path');
const Module = require('node:module');
const esbuild = require('esbuild');

const cache = new Map();

module.exports = function loadTs(relativePath) {
  const file = path.resolve(__dirname, '..', '..', relativePath);
  if (cache.has(file)) return cache.get(file);
  const out = esbuild.buildSync({
    entryPoints: [file],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
  });
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(out.outputFiles[0].text, file);
  cache.set(file, m.exports);
  return m.exports;
};
