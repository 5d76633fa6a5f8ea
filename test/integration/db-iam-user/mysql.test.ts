import { describeScenarios } from '../../helpers/db-iam-user/scenarios';

// Real MariaDB at 127.0.0.1:3306. It has no AWSAuthenticationPlugin, so the dialect is pointed at
// `IDENTIFIED VIA unix_socket`; the exact AWS clause is asserted in the unit tests.
describe('Custom::DbIamUser on MariaDB (MySQL dialect)', () => {
  describeScenarios('mysql', 'dbiam_myit');
});
