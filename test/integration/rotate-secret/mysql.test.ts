import { rotationScenarios } from './scenarios';

describe('rotateSecret against the local MariaDB', () => {
  rotationScenarios('mysql', 'rot_myint');
});
