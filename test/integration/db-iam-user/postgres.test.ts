import { describeScenarios } from '../../helpers/db-iam-user/scenarios';

// Real PostgreSQL at 127.0.0.1:5432; `rds_iam` is created as a stand-in for the RDS role.
describe('Custom::DbIamUser on PostgreSQL', () => {
  describeScenarios('postgres', 'dbiam_pgit');
});
