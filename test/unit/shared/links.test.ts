import { alarmUrl, ecsServiceUrl, enc } from '../../../shared/links';

describe('console links', () => {
  it('encode names so they stay one path segment', () => {
    expect(ecsServiceUrl('eu-west-1', 'django app', 'web/blue')).toBe(
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/django%20app/services/web%2Fblue/health?region=eu-west-1',
    );
  });

  it('never throw on a lone surrogate taken from an event', () => {
    expect(enc('\ud800x\udc00')).toBe('%EF%BF%BDx%EF%BF%BD');
    expect(alarmUrl('us-east-1', '\ud800')).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/%EF%BF%BD',
    );
  });

  it('keep well-formed pairs (emoji) intact', () => {
    expect(enc('🚨')).toBe(encodeURIComponent('🚨'));
  });
});
