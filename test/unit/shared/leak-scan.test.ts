import { scanForLeaks } from '../../helpers/leak-scan/teardown';

describe('secret-leak scan', () => {
  it('finds a secret in any channel and masks it in the excerpt', () => {
    const { leaks, byChannel } = scanForLeaks(
      [
        {
          file: 'a.test.ts',
          channel: 'console.log',
          text: '{"message":"connect failed","password":"hunter2-xyz"}',
        },
        { file: 'b.test.ts', channel: 'notification.email', text: 'all fine' },
      ],
      new Set(['hunter2-xyz']),
    );

    expect(byChannel).toEqual({ console: 1, notification: 1 });
    expect(leaks).toEqual([
      {
        file: 'a.test.ts',
        channel: 'console.log',
        excerpt: '{"message":"connect failed","password":"<<SECRET>>"}',
      },
    ]);
  });

  it('reports nothing when the secret was redacted', () => {
    const { leaks } = scanForLeaks(
      [{ file: 'a', channel: 'stdout', text: 'password=[REDACTED]' }],
      new Set(['hunter2-xyz']),
    );
    expect(leaks).toEqual([]);
  });
});
