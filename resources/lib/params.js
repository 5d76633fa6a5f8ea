'use strict';
// Serverless variable resolvers that turn structured stage params into JSON strings for
// environment variables: `${file(./resources/lib/params.js):json.healthTargets}` style is not
// supported, so each list has its own export.
const asJson = (name) => async ({ resolveVariable }) => JSON.stringify(await resolveVariable(`param:${name}`));

module.exports = {
  services: asJson('services'),
  healthTargets: asJson('healthTargets'),
  queues: asJson('queues'),
  consumers: asJson('secretConsumers'),
};
