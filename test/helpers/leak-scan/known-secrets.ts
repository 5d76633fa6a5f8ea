/**
 * Secret values the tests put into fixtures (passwords, tokens). The leak scan looks for these
 * in addition to every value the code registers as secret at run time.
 */
export const KNOWN_TEST_SECRETS = [
  's3cr3t-Pa55word!',
  'hunter22',
  'initial-App-pw1',
  'initial-Master-pw1',
  'do-not-print-me',
  'hc-secret-token-0192837465',
  'hc-token-42',
  'pw-1234',
  'm-pw-123',
  'definitely-wrong-password',
  'wrong-master',
  'pasted-wrong',
  'unused-pw',
];
