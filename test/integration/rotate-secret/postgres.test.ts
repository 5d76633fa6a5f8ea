import { rotationScenarios } from './scenarios';

describe('rotateSecret against the local PostgreSQL', () => {
  rotationScenarios('postgres', 'rot_pgint');
});
