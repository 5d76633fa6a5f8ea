import { evaluateCondition, parseCondition } from '../../../shared/health/conditions';

const context = (body: unknown, status = 200, responseTimeMs = 120) => ({
  status,
  responseTimeMs,
  body,
  bodyIsJson: true,
});
const check = (condition: string, body: unknown, status?: number, ms?: number) =>
  evaluateCondition(parseCondition(condition), context(body, status, ms));

describe('Gatus-style conditions', () => {
  it('compares the status, the response time and JSON paths', () => {
    const body = { status: 'UP', data: [{ id: 7, name: 'john-doe' }], db: { ok: true } };

    expect(check('[STATUS] == 200', body).ok).toBe(true);
    expect(check('[RESPONSE_TIME] < 300', body, 200, 450)).toMatchObject({
      ok: false,
      actual: '450',
      reason: 'slow',
    });
    expect(check('[BODY].status == UP', body).ok).toBe(true);
    expect(check('[BODY].data[0].id >= 7', body).ok).toBe(true);
    expect(check('[BODY].db.ok == true', body).ok).toBe(true);
    expect(check('[BODY].data[0].name == pat(john-*)', body).ok).toBe(true);
    expect(check('[BODY].status == any(DEGRADED, UP)', body).ok).toBe(true);
    expect(check('len([BODY].data) == 1', body).ok).toBe(true);
    expect(check('has([BODY].missing) == false', body).ok).toBe(true);
  });

  it('reports the actual value of a failed condition with the reason of its placeholder', () => {
    expect(check('[BODY].status == UP', { status: 'DOWN' })).toEqual({
      ok: false,
      actual: 'DOWN',
      reason: 'body',
    });
    expect(check('[BODY].nested.value == 1', { nested: {} })).toEqual({
      ok: false,
      actual: '(missing)',
      reason: 'body',
    });
    expect(check('[STATUS] != 503', {}, 503)).toMatchObject({ ok: false, reason: 'status' });
  });

  it('never treats a non-number as passing a numeric comparison', () => {
    expect(check('[BODY].count > 0', { count: 'many' }).ok).toBe(false);
    expect(check('[BODY].count > 0', {}).ok).toBe(false);
  });

  it('rejects malformed conditions with a message naming the problem', () => {
    expect(() => parseCondition('[STATUS] 200')).toThrow(/has no operator/);
    expect(() => parseCondition('[HEADERS].x == 1')).toThrow(/unknown placeholder "\[HEADERS\].x"/);
    expect(() => parseCondition('[BODY]..x == 1')).toThrow(/cannot read the JSON path/);
    expect(() => parseCondition('len([STATUS]) == 1')).toThrow(/len\(\) only applies to \[BODY\]/);
  });
});
