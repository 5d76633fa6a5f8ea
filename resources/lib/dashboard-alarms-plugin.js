'use strict';
// Local Serverless plugin: after every resource is compiled, lists every CloudWatch alarm the
// stack declares in the dashboard's alarm-status widget, so no alarm is ever left off it.
const loadTs = require('./load-ts');

class DashboardAlarmsPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.fillAlarms() };
  }

  // Runs before the `resources:` files are merged into the compiled template, so it reads both.
  fillAlarms() {
    const compiled = this.serverless.service.provider.compiledCloudFormationTemplate;
    const custom = (this.serverless.service.resources && this.serverless.service.resources.Resources) || {};
    const all = { Resources: { ...compiled.Resources, ...custom } };
    const dashboard = all.Resources.OpsDashboard;
    if (!dashboard) return;
    const { alarmNamesInTemplate, withAlarms } = loadTs('resources/lib/dashboard-alarms.ts');
    dashboard.Properties.DashboardBody = withAlarms(
      dashboard.Properties.DashboardBody,
      alarmNamesInTemplate(all),
    );
  }
}

module.exports = DashboardAlarmsPlugin;
