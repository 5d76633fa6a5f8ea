'use strict';
// `resources:` entry: the stage's dashboard, generated from its params (see dashboard.ts).
// The alarm list is filled in by dashboard-alarms-plugin.js once the whole template exists.
const loadTs = require('./load-ts');

module.exports = async ({ resolveVariable }) => {
  const { dashboardResources } = loadTs('resources/lib/dashboard.ts');
  return dashboardResources({
    stage: await resolveVariable('sls:stage'),
    clusterName: await resolveVariable('param:clusterName'),
    services: await resolveVariable('param:services'),
    healthTargets: await resolveVariable('param:healthTargets'),
    queues: await resolveVariable('param:queues'),
  });
};
